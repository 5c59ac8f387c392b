"""Bookings API: create, retrieve, list, update and cancel appointments, plus the team's booking profiles."""

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from aiohttp import web

from simulators.world import World

from .body import Body, check_limit, missing
from .booking_book import CLOSED_STATUSES, BookingBook, BookingRecord, Segment, team_members
from .customers import CustomerDirectory
from .errors import SquareError, bad_request, invalid, not_found
from .idempotency import IdempotencyKeys
from .paging import Cursors
from .routing import Route, reply
from .wire import Clock, compact, opaque_id, parse_instant, utcnow

MAX_KEY_LENGTH = 255
MAX_NOTE_LENGTH = 4096
MAX_LIMIT = 100  # unverified for real Square; the sheet's choice
MAX_WINDOW = timedelta(days=31)


def conflict(detail: str, field: str) -> SquareError:
    return SquareError(409, "CONFLICT", detail, field)


def _query_int(query: Mapping[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise invalid(f"Expected an integer for `{name}`.", name) from None


def _query_instant(query: Mapping[str, str], name: str) -> datetime | None:
    return parse_instant(query[name], name) if name in query else None


def _listed(r: BookingRecord, query: Mapping[str, str]) -> bool:
    """ListBookings' filters, AND-ed: location, customer, and a team member on any segment."""
    team = query.get("team_member_id")
    return (query.get("location_id", r.location_id) == r.location_id
            and query.get("customer_id", r.customer_id) == r.customer_id
            and (team is None or any(s.team_member_id == team for s in r.segments)))


class BookingsApi:
    def __init__(self, world: World, book: BookingBook, directory: CustomerDirectory, cursors: Cursors,
                 keys: IdempotencyKeys, clock: Clock = utcnow) -> None:
        self.world, self.book, self.directory = world, book, directory
        self.cursors, self.keys, self.clock = cursors, keys, clock
        self._ids = count(1)

    def routes(self) -> list[Route]:
        return [("POST", "/v2/bookings", self.create_booking),
                ("GET", "/v2/bookings", self.list_bookings),
                ("GET", "/v2/bookings/team-member-booking-profiles", self.list_team_member_profiles),
                ("GET", "/v2/bookings/{booking_id}", self.retrieve_booking),
                ("PUT", "/v2/bookings/{booking_id}", self.update_booking),
                ("POST", "/v2/bookings/{booking_id}/cancel", self.cancel_booking)]

    async def create_booking(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        return self._once(body, "booking-create", lambda: self._create(body))

    async def update_booking(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        record = self._record(request)
        return self._once(body, f"booking-update:{record.id}", lambda: self._update(record, body))

    async def cancel_booking(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        record = self._record(request)
        return self._once(body, f"booking-cancel:{record.id}", lambda: self._cancel(record, body))

    async def retrieve_booking(self, request: web.Request) -> web.Response:
        return reply({"booking": self._record(request).to_json()})

    async def list_bookings(self, request: web.Request) -> web.Response:
        query = request.query
        limit = check_limit(_query_int(query, "limit"), 1, MAX_LIMIT, MAX_LIMIT)
        start_min = _query_instant(query, "start_at_min") or self.clock()
        start_max = _query_instant(query, "start_at_max") or start_min + MAX_WINDOW
        if not start_min <= start_max <= start_min + MAX_WINDOW:
            raise invalid("start_at_max must be after start_at_min, at most 31 days later.", "start_at_max")
        found = [r for r in self.book.between(start_min, start_max) if _listed(r, query)]
        fingerprint = {k: v for k, v in query.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("bookings", fingerprint, query.get("cursor"), found, limit)
        return reply(compact({"bookings": [r.to_json() for r in page], "cursor": cursor}))

    async def list_team_member_profiles(self, request: web.Request) -> web.Response:
        query = request.query
        limit = check_limit(_query_int(query, "limit"), 1, MAX_LIMIT, MAX_LIMIT)
        location = query.get("location_id")
        stores = [s for s in self.world.stores if location in (None, s.code)]
        profiles = [{"team_member_id": tm, "display_name": f"{s.city} {n}", "is_bookable": True}
                    for s in stores for n, tm in enumerate(team_members(s), start=1)]
        fingerprint = {k: v for k, v in query.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("team-profiles", fingerprint, query.get("cursor"), profiles, limit)
        return reply(compact({"team_member_booking_profiles": page, "cursor": cursor}))

    def _once(self, body: Body, scope: str, write: Callable[[], BookingRecord]) -> web.Response:
        """Runs a write once per idempotency key; a retry gets the first answer."""
        key = body.text("idempotency_key", max_length=MAX_KEY_LENGTH)
        if key and (answer := self.keys.replay(scope, key, body.data)) is not None:
            return reply(answer)
        answer = {"booking": write().to_json()}
        if key:
            self.keys.remember(scope, key, body.data, answer)
        return reply(answer)

    def _record(self, request: web.Request) -> BookingRecord:
        record = self.book.records.get(request.match_info["booking_id"])
        if record is None:
            raise not_found("Booking not found.", "booking_id")
        return record

    def _create(self, body: Body) -> BookingRecord:
        booking = body.child("booking", required=True)
        assert booking is not None
        store = self.world.store_by_code.get(booking.required_text("location_id"))
        if store is None or not store.active or "APPOINTMENTS" not in store.services:
            raise invalid("The location does not take bookings.", "booking.location_id")
        customer_id = booking.text("customer_id")
        if customer_id is not None and customer_id not in self.directory.by_id:
            raise invalid("Unknown customer.", "booking.customer_id")
        now = self.clock()
        return self.book.add(BookingRecord(
            id=opaque_id("booking", self.world.seed, next(self._ids), now.timestamp(), length=14).lower(),
            version=0, status="PENDING", start_at=self._start_at(booking, now), location_id=store.code,
            customer_id=customer_id, segments=self._segments(booking, team_members(store)), created_at=now,
            updated_at=now, source="API",
            customer_note=booking.text("customer_note", max_length=MAX_NOTE_LENGTH),
            seller_note=booking.text("seller_note", max_length=MAX_NOTE_LENGTH)))

    def _update(self, record: BookingRecord, body: Body) -> BookingRecord:
        booking = body.child("booking", required=True)
        assert booking is not None
        version = booking.integer("version")
        if version is not None and version != record.version:
            raise conflict(f"The booking is at version {record.version}, not {version}.", "booking.version")
        if booking.text("location_id") not in (None, record.location_id):
            raise invalid("The location of a booking cannot change.", "booking.location_id")
        if record.status in CLOSED_STATUSES:
            raise bad_request("BAD_REQUEST", f"A {record.status} booking cannot be updated.", "booking")
        now = self.clock()
        changes: dict[str, Any] = {}
        if booking.has("start_at"):
            changes["start_at"] = self._start_at(booking, now)
        for note in ("customer_note", "seller_note"):
            if booking.has(note):
                changes[note] = booking.text(note, max_length=MAX_NOTE_LENGTH) or None
        if booking.has("appointment_segments"):
            store = self.world.store_by_code[record.location_id]
            changes["segments"] = self._segments(booking, team_members(store))
        return self.book.revise(record, now, **changes)

    def _cancel(self, record: BookingRecord, body: Body) -> BookingRecord:
        version = body.integer("booking_version")
        if version is not None and version != record.version:
            raise conflict(f"The booking is at version {record.version}, not {version}.", "booking_version")
        if record.status in CLOSED_STATUSES:
            raise bad_request("BAD_REQUEST", f"A {record.status} booking cannot be cancelled.", "booking_id")
        return self.book.revise(record, self.clock(), status="CANCELLED_BY_CUSTOMER")

    def _start_at(self, booking: Body, now: datetime) -> datetime:
        start_at = booking.instant("start_at", required=True)
        assert start_at is not None
        if start_at <= now:
            raise invalid("start_at must be in the future.", booking.field("start_at"))
        return start_at

    def _segments(self, booking: Body, team: tuple[str, ...]) -> tuple[Segment, ...]:
        segments = booking.children("appointment_segments")
        if not segments:
            raise missing(booking.field("appointment_segments"))
        return tuple(self._segment(s, team) for s in segments)

    def _segment(self, segment: Body, team: tuple[str, ...]) -> Segment:
        team_member = segment.required_text("team_member_id")
        if team_member not in team:
            raise invalid("The team member does not work at this location.", segment.field("team_member_id"))
        variation = segment.required_text("service_variation_id")
        if variation not in self.book.duration_of:
            raise invalid("Unknown service variation.", segment.field("service_variation_id"))
        version = segment.integer("service_variation_version")
        if version is None:
            raise missing(segment.field("service_variation_version"))
        if version != self.book.catalog.version:
            raise invalid("Stale service variation version.", segment.field("service_variation_version"))
        duration = segment.integer("duration_minutes")
        if duration is None:
            duration = self.book.duration_of[variation]
        if duration <= 0:
            raise invalid("duration_minutes must be positive.", segment.field("duration_minutes"))
        return Segment(team_member, variation, version, duration)
