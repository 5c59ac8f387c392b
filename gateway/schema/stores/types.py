"""Stores: where they are, when they open, what they offer, what they have on the shelf."""

from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from cachetools import LRUCache
from strawberry.types import Info

from connectors import domain

from ...auth.permissions import AVAILABILITY
from ...context import Context
from ...errors import ErrorCode, GatewayError
from ...hours import is_open, pickup_ready_at, stock_status
from .. import keys
from ..common import Address, GeoPoint, Node, PageInfo
from ..pagination import check_list
from ..relay import global_id, parse_global_id
from .stock import stock_levels

if TYPE_CHECKING:
    from ..orders.reservation import ReservationStatus
    from ..orders.reservation_list import ReservationConnection

ORDERS = "gateway.schema.orders.reservation_list"
_SHOWN: "LRUCache[int, Store]" = LRUCache(maxsize=2048)  # Store.of's, by id of the directory record


@strawberry.enum
class StoreService(Enum):
    CLICK_AND_COLLECT = "CLICK_AND_COLLECT"
    RESERVE_AND_COLLECT = "RESERVE_AND_COLLECT"
    SHIP_FROM_STORE = "SHIP_FROM_STORE"
    RETURNS = "RETURNS"
    APPOINTMENTS = "APPOINTMENTS"


@strawberry.enum
class Weekday(Enum):
    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"


@strawberry.enum
class StockStatus(Enum):
    IN_STOCK = "IN_STOCK"
    LOW_STOCK = "LOW_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"


@strawberry.federation.type(shareable=True)
class OpeningHours:
    day: Weekday
    opens: str = strawberry.field(description="Local time, HH:MM.")
    closes: str


@strawberry.federation.type(keys=["id"])
class Store(Node):
    code: str = strawberry.field(description="The store's code in the POS.")
    name: str
    address: Address
    location: GeoPoint
    phone: str | None
    timezone: str = strawberry.field(description="IANA zone, e.g. Europe/Paris.")
    record: strawberry.Private[domain.Store]

    @classmethod
    def of(cls, s: domain.Store) -> "Store":
        """One per directory record, shared by every answer that shows it (nothing changes it once built): a
        partner's 100 products in their 5 nearest stores show the same few stores 500 times."""
        shown = _SHOWN.get(id(s))
        if shown is None or shown.record is not s:  # the entry holds `s`, so its id is not reused meanwhile
            shown = _SHOWN[id(s)] = cls(
                id=strawberry.ID(global_id("Store", s.code)), code=s.code, name=s.name, address=Address.of(s.address),
                location=GeoPoint(latitude=s.location.latitude, longitude=s.location.longitude), phone=s.phone,
                timezone=s.timezone, record=s)
        return shown

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "Store | None":
        _, code = parse_global_id(id, "Store")
        return await cls.by_code(info, code)

    @classmethod
    async def by_code(cls, info: Info[Context, None], code: str) -> "Store | None":
        """Any store of the directory, closed ones too (their `isOpen` says so); None for an unknown code."""
        found = (await info.context.reference.stores.get()).by_code.get(code)
        return cls.of(found) if found else None

    @classmethod
    async def named_by(cls, info: Info[Context, None], code: str) -> "Store":
        """The store a POS record (appointment, hold) names: one missing from the directory is the POS's error."""
        found = await cls.by_code(info, code)
        if found is None:
            raise GatewayError(f"store {code} is unknown", ErrorCode.UPSTREAM_ERROR, source="pos")
        return found

    @strawberry.field
    def opening_hours(self) -> list[OpeningHours]:
        return [OpeningHours(day=list(Weekday)[p.weekday], opens=p.opens.strftime("%H:%M"),
                             closes=p.closes.strftime("%H:%M"))
                for p in sorted(self.record.hours, key=lambda p: (p.weekday, p.opens))]

    @strawberry.field(description="Whether the store is open at that instant (default: now).")
    def is_open(self, info: Info[Context, None], at: datetime | None = None) -> bool:
        return self.record.active and is_open(self.record, at or info.context.now)

    @strawberry.field
    def services(self) -> list[StoreService]:
        return [StoreService(s) for s in sorted(self.record.services) if s in StoreService.__members__]

    @strawberry.field(description="Stock of these products in this store, in the order asked.",
                      permission_classes=[AVAILABILITY])
    async def availability(self, info: Info[Context, None], skus: list[str]) -> list["StoreAvailability"] | None:
        check_list(skus, "skus")
        keys.check_skus(skus)
        levels = await stock_levels(info, [(sku, self.record.code) for sku in skus])
        return [StoreAvailability.of(info, self.record, level, sku=sku)
                for sku, level in zip(skus, levels, strict=True)]

    @strawberry.field(description="Staff of this store or without a store, and this store's kiosk: reserve & "
                                  "collect holds here, walk-ins included, newest first, `status` as of now.")
    async def reservations(
            self, info: Info[Context, None],
            status: Annotated["ReservationStatus", strawberry.lazy("gateway.schema.orders.reservation")] | None = None,
            first: int | None = 20, after: str | None = None,
    ) -> Annotated["ReservationConnection", strawberry.lazy(ORDERS)] | None:
        from ..orders.reservation_list import reservations_at

        return await reservations_at(info, self.record.code, first, after, status)


@strawberry.type
class StoreAvailability:
    store: Store
    sku: str | None = strawberry.field(description="The product this figure is for.")
    quantity: int = strawberry.field(description="Sellable units: on hand minus reserved, never negative.")
    status: StockStatus
    distance_km: float | None = strawberry.field(
        description="Great-circle distance from the point asked about; null when none was given.")
    updated_at: datetime = strawberry.field(description="When the store system last reported this figure.")
    record: strawberry.Private[domain.Store]

    @classmethod
    def of(cls, info: Info[Context, None], store: domain.Store, level: domain.StockLevel | None,
           sku: str | None = None, distance_km: float | None = None) -> "StoreAvailability":
        quantity = max(0, level.sellable) if level else 0
        return cls(store=Store.of(store), sku=sku, quantity=quantity, status=StockStatus(stock_status(quantity)),
                   distance_km=None if distance_km is None else round(distance_km, 3),
                   updated_at=level.updated_at if level else info.context.now, record=store)

    @strawberry.field(description="When a click & collect order placed now could be picked up; null when it cannot.")
    def pickup_ready_at(self, info: Info[Context, None]) -> datetime | None:
        if self.quantity <= 0 or "CLICK_AND_COLLECT" not in self.record.services:
            return None
        preparation = timedelta(minutes=info.context.settings.pickup_preparation_minutes)
        return pickup_ready_at(self.record, info.context.now, preparation)


@strawberry.type
class StoreEdge:
    cursor: str
    node: Store
    distance_km: float | None = strawberry.field(
        description="Distance from the point asked about; null when none was given.")


@strawberry.type
class StoreConnection:
    edges: list[StoreEdge]
    page_info: PageInfo
    total_count: int
