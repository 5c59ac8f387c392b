"""Omnigate's own record of what the back offices push: the inbox of received events and the webhook
registrations whose secrets verify them. Beside `ports.py` because only the webhook receivers, their processor
and `omnigate webhooks` use it.

Times are passed in, never read from a clock here, so tests can move them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from .domain import System

# How long the secret a registration replaced still verifies deliveries: those signed before a key rotation
# and sent (or retried) after it.
PREVIOUS_SECRET_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class InboxEvent:
    """One event as received, its body byte for byte; `delivered` is False for one fetched while catching up
    (Square SearchEvents, WooCommerce `modified_after`), which is no sign the webhook works."""

    system: System
    event_id: str
    type: str
    created_at: datetime
    received_at: datetime
    body: bytes
    delivered: bool = True
    attempts: int = 0
    processed_at: datetime | None = None


@dataclass(frozen=True)
class Registration:
    """A system's webhook subscription as Omnigate registered it. `notification_url` is kept exactly as
    registered (Square signs it byte for byte); `secret` is Square's signature key or the WooCommerce secret
    Omnigate generated."""

    system: System
    subscription_id: str
    notification_url: str
    secret: str
    registered_at: datetime
    previous_secret: str | None = None
    previous_until: datetime | None = None

    def secrets_at(self, at: datetime) -> tuple[str, ...]:
        """The secrets that verify a delivery received at `at`: the current one, and the one it replaced
        during its grace."""
        if self.previous_secret and self.previous_until is not None and at < self.previous_until:
            return self.secret, self.previous_secret
        return (self.secret,)


class Inbox(Protocol):
    """Received events, each kept once per (system, event_id), until processed and pruned."""

    async def record(self, event: InboxEvent) -> bool:
        """Stores the event unprocessed; False (nothing written) when (system, event_id) is already there."""

    async def take(self, at: datetime, lease: timedelta, limit: int) -> list[InboxEvent]:
        """Up to `limit` unprocessed events due at `at`, oldest received first, each counted as an attempt and
        leased (not taken again) for `lease`, so that two processes never process one event at once and one a
        crash left is taken again when its lease lapses."""

    async def processed(self, system: System, event_id: str, at: datetime) -> None:
        """Processing ended (done, or given up on): the event is never taken again."""

    async def unprocessed(self) -> list[InboxEvent]:
        """Every event not yet processed, oldest received first (operators' view; tests)."""

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many events wait, and when the oldest of them was received (the processor's lag)."""

    async def last_event(self, system: System) -> tuple[str, datetime] | None:
        """The newest event kept for `system` by its `created_at`: its id and that time (catch-up starts
        there); None when none is kept."""

    async def last_delivery_at(self, system: System) -> datetime | None:
        """When `system` last delivered an event (catch-up fetches not counted)."""

    async def prune(self, before: datetime) -> int:
        """Forgets processed events received before `before`, except each system's newest; returns how many."""


class WebhookRegistrations(Protocol):
    """One registration per system."""

    async def save(self, registration: Registration, keep_previous: timedelta = PREVIOUS_SECRET_GRACE
                   ) -> Registration:
        """Replaces the system's registration. A secret it changes still verifies for `keep_previous` from
        `registration.registered_at`; returns what is stored."""

    async def get(self, system: System) -> Registration | None: ...

    async def all(self) -> list[Registration]:
        """Every system's registration, by system."""
