"""Locations API: one Square location per store, the store code as location id.

Square has no field for the store's omnichannel services; they are written into the
location's `description` as `Services: A, B` (SERVICES_PREFIX), which a real Square
seller can edit in the dashboard and the adapter can parse.
"""

from datetime import timedelta
from typing import Any

from aiohttp import web

from simulators.world import DemoStore, Period, World

from .errors import not_found
from .routing import Route, reply
from .wire import COUNTRY, CURRENCY, opaque_id, rfc3339

DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")  # the world's weekday 0 is Monday
SERVICES_PREFIX = "Services: "
BUSINESS_NAME = "Omnigate"


def services_description(services: tuple[str, ...]) -> str:
    return SERVICES_PREFIX + ", ".join(services)


def _period(period: Period) -> dict[str, str]:
    return {"day_of_week": DAYS[period.weekday], "start_local_time": f"{period.opens}:00",
            "end_local_time": f"{period.closes}:00"}


def merchant_id(world: World) -> str:
    """The seller's account: every location and every event names it."""
    return opaque_id("merchant", world.seed, length=13)


def location_json(store: DemoStore, world: World) -> dict[str, Any]:
    """A Square Location as ListLocations returns it."""
    periods = sorted(store.hours, key=lambda p: (p.weekday + 1) % 7)  # Square's week starts on Sunday
    return {
        "id": store.code, "name": store.name, "business_name": BUSINESS_NAME,
        "status": "ACTIVE" if store.active else "INACTIVE", "type": "PHYSICAL",
        "merchant_id": merchant_id(world),
        "created_at": rfc3339(world.now - timedelta(days=900 + 7 * store.index)),
        "timezone": store.timezone, "country": COUNTRY, "language_code": "fr-FR", "currency": CURRENCY,
        "capabilities": ["CREDIT_CARD_PROCESSING"],
        "address": {"address_line_1": store.street, "locality": store.city, "postal_code": store.postal_code,
                    "country": COUNTRY},
        "coordinates": {"latitude": store.latitude, "longitude": store.longitude},
        "phone_number": store.phone,
        "description": services_description(store.services),
        "business_hours": {"periods": [_period(p) for p in periods]},
    }


class Locations:
    """ListLocations and RetrieveLocation over the world's stores, ordered by name."""

    def __init__(self, world: World) -> None:
        self.by_id = {s.code: location_json(s, world) for s in world.stores}
        self.ordered = sorted(self.by_id.values(), key=lambda loc: (loc["name"], loc["id"]))

    def routes(self) -> list[Route]:
        return [("GET", "/v2/locations", self.list_locations),
                ("GET", "/v2/locations/{location_id}", self.retrieve_location)]

    async def list_locations(self, request: web.Request) -> web.Response:
        return reply({"locations": self.ordered})

    async def retrieve_location(self, request: web.Request) -> web.Response:
        location = self.by_id.get(request.match_info["location_id"])
        if location is None:
            raise not_found("Location not found.", "location_id")
        return reply({"location": location})
