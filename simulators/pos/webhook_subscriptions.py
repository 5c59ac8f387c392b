"""The webhook subscriptions of the Square app: what the Webhook Subscriptions API creates and changes."""

import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import count
from typing import Any

from .wire import Clock, compact, opaque_id, rfc3339

# The event types this simulator emits (Square knows hundreds; these are the ones the sheet uses).
EVENT_TYPES = ("booking.created", "booking.updated", "catalog.version.updated", "inventory.count.updated",
               "order.created", "order.updated")
INTRODUCED = {"booking.created": "2021-11-17", "booking.updated": "2021-11-17",
              "catalog.version.updated": "2018-07-12", "inventory.count.updated": "2018-07-12",
              "order.created": "2020-02-26", "order.updated": "2020-02-26"}


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    name: str | None
    enabled: bool
    event_types: tuple[str, ...]
    notification_url: str
    api_version: str
    signature_key: str
    created_at: datetime
    updated_at: datetime

    def to_json(self, with_key: bool = True) -> dict[str, Any]:
        """Square shows the key when the subscription is created, read or changed; lists leave it out."""
        return compact({
            "id": self.id, "name": self.name, "enabled": self.enabled, "event_types": list(self.event_types),
            "notification_url": self.notification_url, "api_version": self.api_version,
            "signature_key": self.signature_key if with_key else None,
            "created_at": rfc3339(self.created_at), "updated_at": rfc3339(self.updated_at)})


def new_signature_key() -> str:
    """Square's keys are 22 url-safe characters."""
    return secrets.token_urlsafe(16)


class SubscriptionBook:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.records: dict[str, Subscription] = {}
        self._ids = count(1)

    def add(self, name: str | None, enabled: bool, event_types: tuple[str, ...], url: str,
            api_version: str) -> Subscription:
        now = self.clock()
        subscription = Subscription(
            id="wbhk_" + opaque_id("subscription", next(self._ids), now.timestamp(), length=26).lower(),
            name=name, enabled=enabled, event_types=event_types, notification_url=url, api_version=api_version,
            signature_key=new_signature_key(), created_at=now, updated_at=now)
        self.records[subscription.id] = subscription
        return subscription

    def change(self, subscription: Subscription, **changes: Any) -> Subscription:
        changed = replace(subscription, **changes, updated_at=self.clock())
        self.records[subscription.id] = changed
        return changed

    def remove(self, subscription_id: str) -> None:
        del self.records[subscription_id]

    def listed(self, include_disabled: bool, descending: bool) -> list[Subscription]:
        found = [s for s in self.records.values() if s.enabled or include_disabled]
        return sorted(found, key=lambda s: (s.created_at, s.id), reverse=descending)

    def wanting(self, event_type: str) -> list[Subscription]:
        return [s for s in self.records.values() if s.enabled and event_type in s.event_types]
