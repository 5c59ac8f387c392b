"""Square's events: each change the POS makes becomes one event, kept for SearchEvents and pushed to every
enabled webhook subscription that asked for its type.

The event is built and stored inside the request that made the change; its deliveries run in the courier's
tasks, so the request never waits for a receiver (at-least-once, retried: `webhook_delivery.py`).
"""

import asyncio
import json
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from simulators.webhooks.courier import Courier

from .webhook_delivery import deliver
from .webhook_subscriptions import SubscriptionBook
from .wire import Clock, rfc3339

Json = dict[str, Any]
EVENTS_KEPT = 100_000
RETENTION = timedelta(days=28)  # SearchEvents' window (the sheet: unverified)


@dataclass(frozen=True, slots=True)
class Event:
    """One event as stored: the webhook body, plus what SearchEvents filters on."""

    id: str
    type: str
    created: datetime
    location_id: str | None
    body: Json  # {"merchant_id", "type", "event_id", "created_at", "data"}

    def searched(self) -> Json:
        """The event as SearchEvents lists it (the webhook body plus its location, when it has one)."""
        found = dict(self.body)
        if self.location_id is not None:
            found["location_id"] = self.location_id
        return found


class EventLog:
    def __init__(self, merchant_id: str, clock: Clock, courier: Courier, subscriptions: SubscriptionBook) -> None:
        self.merchant_id = merchant_id
        self.clock = clock
        self.courier = courier
        self.subscriptions = subscriptions
        self.kept: deque[Event] = deque(maxlen=EVENTS_KEPT)

    def emit(self, event_type: str, data_type: str, data_id: str, obj: Json,
             location_id: str | None = None) -> Event:
        """Stores the event and starts its deliveries; returns at once."""
        now = self.clock()
        event_id = str(uuid.uuid4())
        body = {"merchant_id": self.merchant_id, "type": event_type, "event_id": event_id,
                "created_at": rfc3339(now), "data": {"type": data_type, "id": data_id, "object": obj}}
        event = Event(event_id, event_type, now, location_id, body)
        self.kept.append(event)
        self._push(event)
        return event

    def recent(self) -> list[Event]:
        """The events SearchEvents can still find, oldest first."""
        horizon = self.clock() - RETENTION
        while self.kept and self.kept[0].created < horizon:
            self.kept.popleft()
        return list(self.kept)

    def _push(self, event: Event) -> None:
        targets = self.subscriptions.wanting(event.type)
        if not targets:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a change made outside the server's loop (a synchronous test): kept, not pushed
            return
        raw = json.dumps(event.body, separators=(",", ":")).encode()
        for subscription in targets:
            self.courier.spawn(deliver(self.courier, self.subscriptions, subscription.id, event.id, event.type, raw))
