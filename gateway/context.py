"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from graphql import GraphQLError

from .auth.audit import AuditLog
from .auth.principals import ANONYMOUS, Principal
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
    principal: Principal = ANONYMOUS
    audit: AuditLog = field(default_factory=AuditLog)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # errors of a field that still answered in part (e.g. a list missing one system's share)
    partial_errors: list[GraphQLError] = field(default_factory=list)

    @classmethod
    def create(cls, settings: Settings, backends: Backends, reference: ReferenceData, principal: Principal,
               request_id: str, now: datetime) -> Context:
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
                   Bookings(backends.appointment_bookings), principal, request_id=request_id, now=now)
