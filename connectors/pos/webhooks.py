"""Square's Webhook Subscriptions API and SearchEvents: how Omnigate subscribes to the POS's changes and reads
back the ones whose deliveries it missed (Square retries a failed delivery for up to 24 h, then drops it).

Subscriptions are written under idempotency keys, so a retried create or key rotation is the same call.
"""

import json
from datetime import datetime
from urllib.parse import quote

from connectors.errors import UpstreamMalformed, UpstreamNotFound
from connectors.subscription_ports import PulledEvent, Subscription

from .booking_reader import in_utc, rfc3339
from .square_client import Json, SquareClient

SUBSCRIPTIONS_PATH = "/v2/webhooks/subscriptions"
EVENTS_PATH = "/v2/events"
SUBSCRIPTIONS_PAGE_LIMIT = 100  # ListWebhookSubscriptions' maximum
EVENTS_PAGE_LIMIT = 100  # SearchEvents' maximum


class SquareWebhooks:
    """Serves KeyedSubscriptions and EventHistory."""

    def __init__(self, api: SquareClient) -> None:
        self.api = api

    async def subscriptions(self) -> list[Subscription]:
        found = await self.api.get_all(SUBSCRIPTIONS_PATH, {"include_disabled": "true",
                                                            "limit": str(SUBSCRIPTIONS_PAGE_LIMIT)}, "subscriptions")
        return [self._subscription(record) for record in found]

    async def create(self, name: str, url: str, topics: tuple[str, ...], key: str) -> tuple[Subscription, str]:
        body = {"idempotency_key": key, "subscription": {"name": name, "enabled": True,
                                                         "event_types": list(topics), "notification_url": url}}
        record = self._record(await self.api.write(SUBSCRIPTIONS_PATH, body))
        return self._subscription(record), self._key(record)

    async def update(self, subscription_id: str, url: str, topics: tuple[str, ...], enabled: bool) -> Subscription:
        """A PUT of the same fields twice changes nothing more, so it is retried like a read."""
        body = {"subscription": {"enabled": enabled, "event_types": list(topics), "notification_url": url}}
        return self._subscription(self._record(await self.api.put(self._path(subscription_id), body)))

    async def signature_key(self, subscription_id: str) -> str | None:
        try:
            record = self._record(await self.api.get(self._path(subscription_id)))
        except UpstreamNotFound:
            return None
        key = record.get("signature_key")
        return key if isinstance(key, str) and key else None

    async def rotate_key(self, subscription_id: str, key: str) -> str:
        answer = await self.api.write(self._path(subscription_id) + "/signature-key", {"idempotency_key": key})
        return self._key(answer)

    async def delete(self, subscription_id: str) -> None:
        try:
            await self.api.delete(self._path(subscription_id))
        except UpstreamNotFound:
            return  # gone already: what a delete wants

    async def events_since(self, since: datetime, types: tuple[str, ...]) -> list[PulledEvent]:
        """Oldest first, every page; an event without id, type or time is skipped (it cannot be processed)."""
        body: Json = {"limit": EVENTS_PAGE_LIMIT, "query": {
            "filter": {"event_types": list(types), "created_at": {"start_at": rfc3339(since)}},
            "sort": {"field": "DEFAULT", "order": "ASC"}}}
        found = await self.api.read_all(EVENTS_PATH, body, "events")
        events = (self._event(record) for record in found)
        return sorted((e for e in events if e is not None), key=lambda e: e.created_at)

    @staticmethod
    def _event(record: Json) -> PulledEvent | None:
        event_id, kind, created = record.get("event_id"), record.get("type"), record.get("created_at")
        if not (isinstance(event_id, str) and isinstance(kind, str) and isinstance(created, str)):
            return None
        try:
            at = in_utc(datetime.fromisoformat(created.replace("Z", "+00:00")))
        except ValueError:
            return None
        return PulledEvent(event_id, kind, at, json.dumps(record, separators=(",", ":")).encode())

    def _record(self, answer: Json) -> Json:
        record = answer.get("subscription")
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise UpstreamMalformed(self.api.system, "a webhook subscription answer without a subscription id")
        return record

    def _key(self, answer: Json) -> str:
        key = answer.get("signature_key")
        if not isinstance(key, str) or not key:
            raise UpstreamMalformed(self.api.system, "no signature key in the webhook subscription answer")
        return key

    @staticmethod
    def _subscription(record: Json) -> Subscription:
        types = record.get("event_types")
        return Subscription(
            id=str(record.get("id")), name=str(record.get("name") or ""), url=str(record.get("notification_url") or ""),
            topics=tuple(t for t in types if isinstance(t, str)) if isinstance(types, list) else (),
            enabled=record.get("enabled") is True)

    @staticmethod
    def _path(subscription_id: str) -> str:
        return f"{SUBSCRIPTIONS_PATH}/{quote(subscription_id, safe='')}"
