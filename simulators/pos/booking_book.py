"""The appointment book: Square bookings seeded from the world, changed by the API and by the seller.

Status is read-only in the API; `set_status` is the seller answering in the
dashboard (tests and the host control route use it).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from simulators.world import APPOINTMENT_SERVICES, Booking, DemoStore, World

from .catalog import Catalog
from .wire import compact, rfc3339

BOOKING_STATUSES = (
    "PENDING", "ACCEPTED", "DECLINED", "CANCELLED_BY_CUSTOMER", "CANCELLED_BY_SELLER", "NO_SHOW",
)
CLOSED_STATUSES = frozenset({"DECLINED", "CANCELLED_BY_CUSTOMER", "CANCELLED_BY_SELLER", "NO_SHOW"})
TEAM_SIZE = 2  # team members per store taking appointments, as the world numbers them
ANSWERED_AFTER = timedelta(hours=2)  # seeded answers came this long after the request


@dataclass(frozen=True, slots=True)
class Segment:
    team_member_id: str
    service_variation_id: str
    service_variation_version: int
    duration_minutes: int


@dataclass(slots=True)
class BookingRecord:
    id: str
    version: int
    status: str
    start_at: datetime
    location_id: str
    customer_id: str | None
    segments: tuple[Segment, ...]
    created_at: datetime
    updated_at: datetime
    source: str
    customer_note: str | None = None
    seller_note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return compact({
            "id": self.id, "version": self.version, "status": self.status,
            "created_at": rfc3339(self.created_at), "updated_at": rfc3339(self.updated_at),
            "start_at": rfc3339(self.start_at), "location_id": self.location_id, "customer_id": self.customer_id,
            "customer_note": self.customer_note, "seller_note": self.seller_note, "all_day": False,
            "location_type": "BUSINESS_LOCATION", "source": self.source, "transition_time_minutes": 0,
            "appointment_segments": [{
                "duration_minutes": s.duration_minutes, "service_variation_id": s.service_variation_id,
                "team_member_id": s.team_member_id, "service_variation_version": s.service_variation_version,
                "intermission_minutes": 0, "any_team_member": False} for s in self.segments],
        })


def team_members(store: DemoStore) -> tuple[str, ...]:
    """The world names a store's staff TM<store index><n>; only stores taking appointments have any."""
    if "APPOINTMENTS" not in store.services:
        return ()
    return tuple(f"TM{store.index:04d}{n}" for n in range(1, TEAM_SIZE + 1))


class BookingBook:
    def __init__(self, world: World, catalog: Catalog) -> None:
        self.catalog = catalog
        self.duration_of = {v: APPOINTMENT_SERVICES[k][1] for k, v in enumerate(catalog.service_variations)}
        self.records = {b.id: self._seeded(world, b) for b in world.bookings}
        self.listeners: list[Callable[[BookingRecord, bool], None]] = []  # (booking, created?) after each change

    def _seeded(self, world: World, b: Booking) -> BookingRecord:
        customer = world.customers[b.customer_index] if b.customer_index is not None else None
        variation = self.catalog.service_variations[b.service]
        answered = b.status != "PENDING"
        return BookingRecord(
            id=b.id, version=1 if answered else 0, status=b.status, start_at=b.start_at,
            location_id=b.store_code, customer_id=customer.pos_customer_id if customer else None,
            segments=(Segment(b.team_member, variation, self.catalog.version, self.duration_of[variation]),),
            created_at=b.created_at, updated_at=b.created_at + ANSWERED_AFTER if answered else b.created_at,
            source="FIRST_PARTY_BUYER", customer_note=b.note or None)

    def add(self, record: BookingRecord) -> BookingRecord:
        self.records[record.id] = record
        for listener in self.listeners:
            listener(record, True)
        return record

    def between(self, start_min: datetime, start_max: datetime) -> list[BookingRecord]:
        found = [r for r in self.records.values() if start_min <= r.start_at <= start_max]
        return sorted(found, key=lambda r: (r.start_at, r.id))

    def revise(self, record: BookingRecord, at: datetime, **changes: Any) -> BookingRecord:
        """Applies changes as one new version of the booking."""
        revised = replace(record, **changes, version=record.version + 1, updated_at=at)
        self.records[record.id] = revised
        for listener in self.listeners:
            listener(revised, False)
        return revised
