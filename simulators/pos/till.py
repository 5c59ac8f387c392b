"""What happens at the store rather than through the API, as `/_sim/pos/...` lets tests and the demo do it:
a sale rung up at the till, a price changed in the dashboard, a booking accepted or declined by the seller.

Each goes through the same books as the API, so it emits the same events (inventory.count.updated,
order.created / order.updated, catalog.version.updated, booking.updated).
"""

from datetime import datetime
from decimal import Decimal
from itertools import count
from typing import Any

from aiohttp import web

from simulators.webhooks.control import ControlRoute, control_error, json_object
from simulators.world import DemoProduct, Line, Receipt, World

from .booking_book import BOOKING_STATUSES, BookingBook
from .catalog import Catalog
from .customers import CustomerDirectory
from .events import EventLog
from .receipts import Receipts
from .stock import Move, Overdraw, StockBook
from .wire import Clock, money, opaque_id, quantity, rfc3339

Json = dict[str, Any]


class Till:
    def __init__(self, world: World, catalog: Catalog, stock: StockBook, receipts: Receipts,
                 directory: CustomerDirectory, bookings: BookingBook, events: EventLog, clock: Clock) -> None:
        self.world, self.catalog, self.stock, self.receipts = world, catalog, stock, receipts
        self.directory, self.bookings, self.events, self.clock = directory, bookings, events, clock
        self._sales = count(1)

    def control_routes(self) -> list[ControlRoute]:
        return [("POST", "/sales", self._sale), ("POST", "/catalog/prices", self._price),
                ("POST", "/bookings/{booking_id}/status", self._booking_status)]

    def sell(self, location_id: str, product: DemoProduct, units: int, customer_id: str | None = None) -> Json:
        """Rings up `units` of one article: IN_STOCK -> SOLD and a COMPLETED order; returns the order."""
        store = self.world.store_by_code[location_id]
        now = self.clock()
        self.stock.apply([Move(store, product, "IN_STOCK", "SOLD", Decimal(units))], now)
        customer = self.directory.by_id.get(customer_id) if customer_id else None
        unit_price = self.unit_price(product, location_id)
        receipt = Receipt(id=opaque_id("till-sale", self.world.seed, next(self._sales), now.timestamp()),
                          store_code=location_id, customer_index=customer.index if customer else None,
                          created=now, lines=(Line(product.index, units, unit_price),), total=unit_price * units)
        self.receipts.record_sale(receipt)
        order = self.receipts.order_json(receipt)
        for event_type in ("order.created", "order.updated"):
            kind = event_type.replace(".", "_")
            self.events.emit(event_type, kind, receipt.id, {kind: {
                "order_id": receipt.id, "state": "COMPLETED", "location_id": location_id,
                "version": order["version"], "created_at": order["created_at"], "updated_at": order["updated_at"]}},
                location_id)
        return order

    def unit_price(self, product: DemoProduct, location_id: str) -> int:
        data = self.catalog.by_id[self.catalog.variation_by_product[product.index]]["item_variation_data"]
        override = next((o for o in data.get("location_overrides", ()) if o["location_id"] == location_id), None)
        return int((override or data)["price_money"]["amount"])

    def reprice(self, product: DemoProduct, amount: int, location_id: str | None, at: datetime) -> Json:
        """The seller changing a price (for one store with `location_id`); returns the variation."""
        variation = self.catalog.by_id[self.catalog.variation_by_product[product.index]]
        data = variation["item_variation_data"]
        if location_id is None:
            data["price_money"] = money(amount)
        else:
            overrides = [o for o in data.get("location_overrides", ()) if o["location_id"] != location_id]
            data["location_overrides"] = [*overrides, {"location_id": location_id, "price_money": money(amount)}]
        stamp = {"version": int(at.timestamp() * 1000), "updated_at": rfc3339(at)}
        variation.update(stamp)
        self.catalog.by_id[data["item_id"]].update(stamp)
        self.events.emit("catalog.version.updated", "catalog_version", "",
                         {"catalog_version": {"updated_at": rfc3339(at)}})
        return variation

    async def _sale(self, request: web.Request) -> web.Response:
        try:
            body = await json_object(request)
            location_id = self._location(body)
            product = self._product(body)
            units = body.get("quantity", 1)
            if isinstance(units, bool) or not isinstance(units, int) or units < 1:
                raise ValueError("quantity must be a positive integer")
            customer_id = body.get("customer_id")
            if customer_id is not None and customer_id not in self.directory.by_id:
                raise ValueError(f"unknown customer_id {customer_id!r}")
            order = self.sell(location_id, product, units, customer_id if isinstance(customer_id, str) else None)
        except ValueError as exc:
            return control_error(str(exc))
        except Overdraw as exc:
            return control_error(f"not enough stock: {quantity(exc.available)} in IN_STOCK")
        return web.json_response({"order": order})

    async def _price(self, request: web.Request) -> web.Response:
        try:
            body = await json_object(request)
            product = self._product(body)
            amount = body.get("amount")
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise ValueError("amount must be a non-negative integer (minor units)")
            location_id = self._location(body) if body.get("location_id") is not None else None
        except ValueError as exc:
            return control_error(str(exc))
        return web.json_response({"object": self.reprice(product, amount, location_id, self.clock())})

    async def _booking_status(self, request: web.Request) -> web.Response:
        record = self.bookings.records.get(request.match_info["booking_id"])
        if record is None:
            return control_error("unknown booking", 404)
        try:
            status = (await json_object(request)).get("status")
            if status not in BOOKING_STATUSES:
                raise ValueError(f"status must be one of {', '.join(BOOKING_STATUSES)}")
        except ValueError as exc:
            return control_error(str(exc))
        return web.json_response({"booking": self.bookings.revise(record, self.clock(), status=status).to_json()})

    def _location(self, body: Json) -> str:
        location_id = body.get("location_id")
        if not isinstance(location_id, str) or location_id not in self.world.store_by_code:
            raise ValueError("location_id must name a location")
        return location_id

    def _product(self, body: Json) -> DemoProduct:
        """By `catalog_object_id` (the variation) or by `sku`."""
        variation, sku = body.get("catalog_object_id"), body.get("sku")
        product = self.catalog.product_by_variation.get(variation) if isinstance(variation, str) else \
            next((p for p in self.world.products if p.sku == sku), None) if isinstance(sku, str) else None
        if product is None or product.delisted:
            raise ValueError("catalog_object_id or sku must name a sellable item variation")
        return product
