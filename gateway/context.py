"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from graphql import GraphQLError

from .auth.audit import AuditLog
from .auth.principals import ANONYMOUS, Principal
from .live import LiveHub
from .loaders import Loaders, build_loaders
from .loaders.reads import UnkeyedReads
from .reference import ReferenceData
from .settings import Settings
from .writes.bookings import Bookings
from .writes.ledger import Ledger
from .writes.profile import CustomerWrites
from .writes.saga import Sagas
from .writes.shop import ShopWrites
from .writes.till import Till
from .writes.undo import Undoer

if TYPE_CHECKING:
    from .backends import Backends


class Streaming(Protocol):
    """What the WebSocket transport does for a subscription between its events."""

    def fresh(self, principal: Principal) -> Context:
        """A context as a new request of `principal` would get now."""

    def following(self, delta: int) -> None:
        """A subscription started listening to the hub (1) or stopped (-1)."""

    def pushed(self, field_name: str, occurred_at: datetime) -> None:
        """An event of `field_name` is about to be sent (counted, its delay measured)."""


_KEPT_ACROSS_EVENTS = frozenset({"principal", "audit", "request_id", "streaming"})


@dataclass
class Context:
    """Holds no port: resolvers read through `loaders` (keyed) or `reads` (unkeyed) and write through `ledger`,
    `till`, `profile`, `bookings` and `shop` (`sagas` when a write spans systems), each call a span."""

    settings: Settings
    reference: ReferenceData
    loaders: Loaders
    reads: UnkeyedReads
    ledger: Ledger
    till: Till
    profile: CustomerWrites
    shop: ShopWrites
    sagas: Sagas
    bookings: Bookings
    live: LiveHub  # where a write tells what it changed, for caches, the availability index and subscribers
    principal: Principal = ANONYMOUS
    audit: AuditLog = field(default_factory=AuditLog)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # errors of a field that still answered in part (e.g. a list missing one system's share)
    partial_errors: list[GraphQLError] = field(default_factory=list)
    streaming: Streaming | None = None  # set for an operation over WebSocket

    def renew(self) -> None:
        """Before each event of a subscription: loaders, reads and "now" as a new request would have them, so an
        event never answers from what an earlier one read; the principal stays the connection's."""
        if self.streaming is None:
            return
        fresh = self.streaming.fresh(self.principal)
        for each in fields(self):
            if each.name not in _KEPT_ACROSS_EVENTS:
                setattr(self, each.name, getattr(fresh, each.name))

    @classmethod
    def create(cls, settings: Settings, backends: Backends, reference: ReferenceData, live: LiveHub,
               principal: Principal, request_id: str, now: datetime) -> Context:
        ledger = Ledger(backends.reservations, backends.idempotency, backends.appointment_answers,
                        timedelta(hours=settings.idempotency_hours), now)
        reads = UnkeyedReads(backends.catalog, backends.appointments, backends.customers)
        profile = CustomerWrites(backends.customer_profiles, backends.customer_notes, backends.wishlist_changes)
        undoer = Undoer(backends.reservations, backends.web_order_changes, backends.store_sales,
                        backends.store_returns, lambda: now)
        loaders = build_loaders(backends, reference.caches, settings.batch_max_keys)
        return cls(settings, reference, loaders, reads, ledger,
                   Till(backends.store_sales, backends.store_returns), profile, ShopWrites(backends.web_order_changes),
                   Sagas(backends.journal, undoer, now, timedelta(seconds=settings.saga_lease_s)),
                   Bookings(backends.appointment_bookings), live, principal, request_id=request_id, now=now)
