"""Store appointments from Square's Bookings API: per customer or per store, in windows of at most 31 days.

ListBookings filters by one customer or one location per call and spans at
most 31 days, so a request fans out to (keys x windows) listings run at once;
the services' names come from the catalog (cached, they rarely change), and,
for bookings listed by store or id, the customers' cards from their customer
records, read at the same time.
"""

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import product
from urllib.parse import quote

from connectors.domain import Appointment
from connectors.errors import UpstreamNotFound

from . import to_domain
from .card_lookup import CardLookup
from .catalog_index import CatalogIndex, Variation
from .square_client import Json, SquareClient, gather_map, objects

BOOKINGS_PATH = "/v2/bookings"
MAX_WINDOW = timedelta(days=31)  # ListBookings start_at_max - start_at_min (unverified; the simulator's limit)
PAGE_LIMIT = 100  # ListBookings limit (unverified; the simulator's limit)
# A customer's appointments: the past month (recent visits) and the next two months (what is planned).
LOOK_BACK = timedelta(days=31)
LOOK_AHEAD = timedelta(days=62)

Window = tuple[datetime, datetime]


def in_utc(at: datetime) -> datetime:
    """A naive datetime is taken to be UTC already, so it compares with Square's aware instants."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(UTC)


def rfc3339(at: datetime) -> str:
    return in_utc(at).isoformat().replace("+00:00", "Z")


def windows(start: datetime, end: datetime) -> list[Window]:
    """[start, end] cut into spans ListBookings accepts; both ends of a span are inclusive there."""
    if end < start:
        return []
    spans = []
    low = start
    while True:
        high = min(low + MAX_WINDOW, end)
        spans.append((low, high))
        if high >= end:
            return spans
        low = high


def _service_ids(bookings: Iterable[Json]) -> set[str]:
    return {str(segment["service_variation_id"]) for booking in bookings
            for segment in objects(booking, "appointment_segments")
            if isinstance(segment.get("service_variation_id"), str)}


class BookingReader:
    def __init__(self, api: SquareClient, catalog: CatalogIndex, cards: CardLookup) -> None:
        self.api = api
        self.cards = cards
        self.catalog = catalog

    async def appointments_of(self, cards: Sequence[str], now: datetime) -> list[tuple[Appointment, ...]]:
        """Each card holder's bookings from LOOK_BACK before `now` to LOOK_AHEAD after it, soonest first."""
        now = in_utc(now)
        ids_by_card = await self.cards.customer_ids_by_card(cards)
        customers = list(dict.fromkeys(c for ids in ids_by_card.values() for c in ids))
        listed = await self._list("customer_id", customers, windows(now - LOOK_BACK, now + LOOK_AHEAD))
        card_of = {customer: card for card, ids in ids_by_card.items() for customer in ids}
        found = await self._appointments(listed, card_of)
        return [_soonest_first(a for a in found if a.customer_card == card) for card in cards]

    async def appointments(self, ids: Sequence[str]) -> list[Appointment | None]:
        """By booking id, aligned; RetrieveBooking one by one (Square has no batch read of bookings)."""
        distinct = list(dict.fromkeys(ids))
        bookings = await gather_map(distinct, self._one)
        found = {a.id: a for a in await self.with_cards([b for b in bookings if b is not None])}
        return [found.get(i) for i in ids]

    async def _one(self, booking_id: str) -> Json | None:
        try:
            booking = (await self.api.get(f"{BOOKINGS_PATH}/{quote(booking_id, safe='')}")).get("booking")
        except UpstreamNotFound:
            return None
        return booking if isinstance(booking, dict) else None

    async def appointments_at(self, store_codes: Sequence[str], start: datetime,
                              end: datetime) -> list[Appointment]:
        """Bookings starting in [start, end) at these stores (every store when none is named), soonest first."""
        start, end = in_utc(start), in_utc(end)
        codes = list(dict.fromkeys(store_codes))
        listed = await self._list("location_id", codes, windows(start, end)) if codes \
            else await self._list_everywhere(windows(start, end))
        found = await self.with_cards(listed)
        return list(_soonest_first(a for a in found if start <= a.requested_for < end))

    async def _list(self, key: str, values: list[str], spans: list[Window]) -> list[Json]:
        pages = await gather_map(product(values, spans), lambda job: self._listing(key, *job))
        return list({b["id"]: b for page in pages for b in page if isinstance(b.get("id"), str)}.values())

    async def _list_everywhere(self, spans: list[Window]) -> list[Json]:
        """ListBookings without a location lists every location the seller has: one call per window."""
        pages = await gather_map(spans, lambda span: self._listing(None, "", span))
        return list({b["id"]: b for page in pages for b in page if isinstance(b.get("id"), str)}.values())

    async def _listing(self, key: str | None, value: str, span: Window) -> list[Json]:
        params = {"start_at_min": rfc3339(span[0]), "start_at_max": rfc3339(span[1]), "limit": str(PAGE_LIMIT)}
        if key is not None:
            params[key] = value
        return await self.api.get_all(BOOKINGS_PATH, params, "bookings")

    async def with_cards(self, bookings: list[Json]) -> list[Appointment]:
        """Bookings found by store or id: their customers' cards are read alongside the services' names."""
        customers = (str(b["customer_id"]) for b in bookings if isinstance(b.get("customer_id"), str))
        services, card_of = await asyncio.gather(self.catalog.variations(_service_ids(bookings)),
                                                 self.cards.cards_of(customers))
        return self._build(bookings, services, card_of)

    async def _appointments(self, bookings: list[Json], card_of: dict[str, str]) -> list[Appointment]:
        return self._build(bookings, await self.catalog.variations(_service_ids(bookings)), card_of)

    @staticmethod
    def _build(bookings: list[Json], services: dict[str, Variation], card_of: dict[str, str]) -> list[Appointment]:
        found = []
        for booking in bookings:
            segments = objects(booking, "appointment_segments")
            service = services.get(str(segments[0].get("service_variation_id"))) if segments else None
            card = card_of.get(str(booking.get("customer_id")))
            appointment = to_domain.appointment(booking, service.title if service else "", card)
            if appointment is not None:
                found.append(appointment)
        return found


def _soonest_first(appointments: Iterable[Appointment]) -> tuple[Appointment, ...]:
    return tuple(sorted(appointments, key=lambda a: (a.requested_for, a.id)))
