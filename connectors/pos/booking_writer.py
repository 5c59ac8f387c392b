"""Booking and cancelling at Square: CreateBooking for a customer found by loyalty card, CancelBooking to free
a slot the store declined.

A booking needs a bookable team member of the location and a service variation at its current catalog
version; both are looked up and kept for a few minutes (staff rosters and services change rarely), so the
same request always sends the same body and Square's idempotency key replays instead of refusing it.
"""

import time
from dataclasses import dataclass
from urllib.parse import quote

from connectors.domain import Appointment, NewBooking
from connectors.errors import UpstreamNotFound, UpstreamRejected

from . import to_domain
from .booking_reader import BOOKINGS_PATH, BookingReader, rfc3339
from .card_lookup import CardLookup
from .square_client import Json, SquareClient, objects

PROFILES_PATH = "/v2/bookings/team-member-booking-profiles"
CATALOG_SEARCH_PATH = "/v2/catalog/search"
SERVICE_PRODUCT_TYPE = "APPOINTMENTS_SERVICE"  # Square's item product_type of bookable services
CLOSED = frozenset({"DECLINED", "CANCELLED_BY_CUSTOMER", "CANCELLED_BY_SELLER", "NO_SHOW"})
LOOKUP_TTL_S = 300.0


@dataclass(frozen=True, slots=True)
class Service:
    variation_id: str
    version: int
    name: str
    minutes: int | None


def _service_of(item: Json) -> Service | None:
    data = item.get("item_data")
    if not isinstance(data, dict):
        return None
    for variation in objects(data, "variations"):
        v = variation.get("item_variation_data")
        duration = v.get("service_duration") if isinstance(v, dict) else None
        if isinstance(variation.get("id"), str) and isinstance(variation.get("version"), int) \
                and not variation.get("is_deleted"):
            return Service(variation["id"], variation["version"], str(data.get("name") or ""),
                           duration // 60_000 if isinstance(duration, int) else None)
    return None


def choose_service(services: list[Service], topic: str) -> Service | None:
    """The service the customer's topic names ("bike fitting for my son"), else the first the seller lists:
    the topic itself goes in the note, so staff see what is asked whichever slot it books."""
    asked = topic.casefold()
    named = [s for s in services if s.name and s.name.casefold() in asked]
    return next(iter(named or services), None)


class BookingWriter:
    def __init__(self, api: SquareClient, cards: CardLookup, reader: BookingReader) -> None:
        self.api = api
        self.cards = cards
        self.reader = reader
        self._services: tuple[float, list[Service]] | None = None
        self._team: dict[str, tuple[float, str | None]] = {}

    async def book(self, booking: NewBooking) -> Appointment | None:
        customers = (await self.cards.customer_ids_by_card([booking.customer_card])).get(booking.customer_card)
        if not customers:
            return None
        service = choose_service(await self._service_list(), booking.topic)
        team_member = await self._team_member(booking.store_code)
        if service is None or team_member is None:
            raise UpstreamRejected("pos", f"location {booking.store_code} has no bookable service or team member")
        segment: Json = {"team_member_id": team_member, "service_variation_id": service.variation_id,
                         "service_variation_version": service.version}
        if service.minutes:
            segment["duration_minutes"] = service.minutes
        answer = await self.api.write(BOOKINGS_PATH, {"idempotency_key": booking.key, "booking": {
            "location_id": booking.store_code, "start_at": rfc3339(booking.requested_for),
            "customer_id": customers[0], "customer_note": to_domain.booking_note(booking.topic, booking.sku),
            "appointment_segments": [segment]}})
        return await self._appointment(answer.get("booking"))

    async def cancel(self, appointment_id: str, key: str) -> Appointment | None:
        """Reads the booking for its version first; a closed one is not cancelled again (Square refuses)."""
        path = f"{BOOKINGS_PATH}/{quote(appointment_id, safe='')}"
        try:
            booking = (await self.api.get(path)).get("booking")
        except UpstreamNotFound:
            return None
        if not isinstance(booking, dict):
            return None
        if booking.get("status") not in CLOSED:
            answer = await self.api.write(f"{path}/cancel", {"idempotency_key": key,
                                                             "booking_version": booking.get("version")})
            booking = answer.get("booking")
        return await self._appointment(booking)

    async def _appointment(self, booking: object) -> Appointment | None:
        if not isinstance(booking, dict):
            return None
        found = await self.reader.with_cards([booking])
        return found[0] if found else None

    async def _service_list(self) -> list[Service]:
        """Items of type APPOINTMENTS_SERVICE with their variations (exact_query on product_type: unverified
        against real Square, whose SearchCatalogItems also filters by it)."""
        if self._services is None or time.monotonic() - self._services[0] > LOOKUP_TTL_S:
            body = {"object_types": ["ITEM"], "query": {"exact_query": {
                "attribute_name": "product_type", "attribute_value": SERVICE_PRODUCT_TYPE}}}
            items = await self.api.read_all(CATALOG_SEARCH_PATH, body, "objects")
            self._services = (time.monotonic(), [s for s in map(_service_of, items) if s is not None])
        return self._services[1]

    async def _team_member(self, store_code: str) -> str | None:
        known = self._team.get(store_code)
        if known is None or time.monotonic() - known[0] > LOOKUP_TTL_S:
            profiles = await self.api.get_all(PROFILES_PATH, {"location_id": store_code},
                                              "team_member_booking_profiles")
            bookable = [str(p["team_member_id"]) for p in profiles
                        if p.get("is_bookable") is not False and isinstance(p.get("team_member_id"), str)]
            known = self._team[store_code] = (time.monotonic(), bookable[0] if bookable else None)
        return known[1]
