"""The POS simulator: the Square API v2 subset Omnigate uses, over the demo world.

Its parts each own one Square API (locations, catalog, inventory, customers,
loyalty, orders, bookings) and share the cursor signer and idempotency keys.
"""

import hmac
import uuid
from typing import Any, ClassVar

from aiohttp import web

from connectors.credentials import DEMO_CREDENTIALS, Credentials
from simulators.base import Simulator
from simulators.control import Control
from simulators.openapi import pos as pos_openapi
from simulators.openapi.builder import ApiDescription
from simulators.webhooks.control import ControlRoute, courier_routes
from simulators.webhooks.courier import Courier, WebhookSettings
from simulators.world import DemoProduct, DemoStore, World

from .booking_book import BOOKING_STATUSES, BookingBook, BookingRecord
from .bookings import BookingsApi
from .catalog import build_catalog
from .catalog_api import CatalogApi
from .customers import CustomerDirectory, CustomersApi
from .errors import SquareError, for_status
from .events import EventLog
from .events_api import EventsApi
from .idempotency import IdempotencyKeys
from .inventory import InventoryApi, count_json
from .locations import Locations, merchant_id
from .loyalty import LoyaltyApi
from .orders import OrdersApi
from .paging import Cursors
from .receipts import Receipts
from .routing import Part, Route, guarded
from .stock import StockBook
from .till import Till
from .webhook_subscriptions import SubscriptionBook
from .webhooks_api import WebhooksApi
from .wire import Clock, utcnow

SQUARE_VERSION = "2025-08-20"  # the version the simulated app is pinned to


class PosSimulator(Simulator):
    system: ClassVar[str] = "pos"

    def __init__(self, world: World, credentials: Credentials = DEMO_CREDENTIALS,
                 control: Control | None = None, clock: Clock = utcnow,
                 webhooks: WebhookSettings | None = None) -> None:
        super().__init__(world, credentials, control)
        self.clock = clock
        self.catalog = build_catalog(world)
        self.stock = StockBook(world, seeded_at=min(world.now, clock()))
        self.directory = CustomerDirectory(world)
        self.receipts = Receipts(world, self.catalog)
        self.bookings = BookingBook(world, self.catalog)
        cursors, keys = Cursors(), IdempotencyKeys(clock)
        self.locations = Locations(world)
        self.courier = Courier(self.system, webhooks)
        self.subscriptions = SubscriptionBook(clock)
        self.events = EventLog(merchant_id(world), clock, self.courier, self.subscriptions)
        self.stock.listeners.append(self._stock_changed)
        self.bookings.listeners.append(self._booking_changed)
        self.till = Till(world, self.catalog, self.stock, self.receipts, self.directory, self.bookings, self.events,
                         clock)
        self._parts: list[Part] = [
            self.locations, CatalogApi(self.catalog, cursors),
            InventoryApi(world, self.catalog, self.stock, cursors, keys, clock),
            CustomersApi(self.directory, cursors), LoyaltyApi(world, self.directory, cursors),
            OrdersApi(self.receipts, self.directory, cursors),
            BookingsApi(world, self.bookings, self.directory, cursors, keys, clock),
            WebhooksApi(self.subscriptions, self.courier, keys, cursors, clock, self.events.merchant_id,
                        SQUARE_VERSION, lambda: self.courier.settings.allow_http),
            EventsApi(self.events, cursors, SQUARE_VERSION),
        ]

    def routes(self) -> list[Route]:
        return [route for part in self._parts for route in part.routes()]

    def add_routes(self, app: web.Application) -> None:
        for method, path, handler in self.routes():
            app.router.add_route(method, path, guarded(handler))
        app.router.add_route("*", "/{tail:.*}", self._unknown_path)
        app.on_response_prepare.append(_echo_version)
        app.on_shutdown.append(self._stop_deliveries)

    def control_routes(self) -> list[ControlRoute]:
        return [*courier_routes(self.courier), *self.till.control_routes()]

    def api_description(self) -> ApiDescription:
        return pos_openapi.DESCRIPTION

    def error_response(self, status: int, message: str) -> web.Response:
        return for_status(status, message).response()

    def refuse(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization")
        if header is None:
            return _unauthorized("This request could not be authorized: the Authorization header is missing.")
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token:
            return _unauthorized("The Authorization http header is malformed; expected `Bearer TOKEN`.")
        if not hmac.compare_digest(token.encode(), self.credentials.pos_token.encode()):
            return _unauthorized("The access token is invalid or has been revoked.")
        return None

    def set_booking_status(self, booking_id: str, status: str) -> dict[str, Any]:
        """The seller accepting, declining or closing a booking outside the API; returns the booking."""
        if status not in BOOKING_STATUSES:
            raise ValueError(f"unknown booking status {status!r}")
        record = self.bookings.records[booking_id]
        return self.bookings.revise(record, self.clock(), status=status).to_json()

    def _stock_changed(self, changed: list[tuple[DemoStore, DemoProduct]]) -> None:
        """inventory.count.updated, one event per location, with the new IN_STOCK counts."""
        by_location: dict[str, list[dict[str, Any]]] = {}
        for store, product in changed:
            variation = self.catalog.variation_by_product[product.index]
            by_location.setdefault(store.code, []).extend(
                count_json(c, variation) for c in self.stock.counts(store, product) if c.state == "IN_STOCK")
        for location_id, counts in by_location.items():
            self.events.emit("inventory.count.updated", "inventory_counts", str(uuid.uuid4()),
                             {"inventory_counts": counts}, location_id)

    def _booking_changed(self, record: BookingRecord, created: bool) -> None:
        self.events.emit("booking.created" if created else "booking.updated", "booking", record.id,
                         {"booking": record.to_json()}, record.location_id)

    async def _stop_deliveries(self, _: web.Application) -> None:
        await self.courier.close()

    async def _unknown_path(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]  # Square bodies never carry our mount prefix
        return SquareError(404, "NOT_FOUND", f"No endpoint {request.method} {path}.").response()


def _unauthorized(detail: str) -> web.Response:
    return SquareError(401, "UNAUTHORIZED", detail, category="AUTHENTICATION_ERROR").response()


async def _echo_version(request: web.Request, response: web.StreamResponse) -> None:
    """Square answers with the API version it used: the one asked for, else the app's pinned one."""
    response.headers["Square-Version"] = request.headers.get("Square-Version", SQUARE_VERSION)
