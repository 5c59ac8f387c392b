"""Products: the ERP's article, the web shop's media, one price, stock online and in stores."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import islice

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from connectors import domain

from ...auth.guards import check_scope
from ...auth.permissions import AVAILABILITY, PRICES
from ...context import Context
from ...errors import ErrorCode, GatewayError
from ...hours import stock_status
from ..common import GeoPointInput, Node
from ..keys import SKU
from ..pagination import check_first
from ..partial import EmptyWhenUpstreamDown
from ..relay import global_id, parse_global_id
from ..stores.stock import stock_levels
from ..stores.types import StockStatus, StoreAvailability
from .nearby import NEAREST_FIRST, Reach, nearby_stores, rings, stocked
from .online import online_product
from .prefetch import product_fields, start_field_loads
from .pricing import Price

DELIVERY_DAYS = 2


@strawberry.federation.type(shareable=True)
class Image:
    url: str
    alt_text: str | None


@strawberry.federation.type(shareable=True)
class Attribute:
    name: str
    value: str


@strawberry.type
class OnlineAvailability:
    quantity: int
    status: StockStatus
    delivery_estimate: datetime | None = strawberry.field(description="Earliest delivery date for an order placed now.")


@strawberry.federation.type(keys=["sku"])
class Product(Node):
    sku: str = strawberry.field(description="Canonical article number (the ERP's); the key every channel shares.")
    gtin: str | None = strawberry.field(description="GTIN/EAN barcode, as scanned at the till and the kiosk.")
    name: str
    brand: str | None
    category: str | None

    @classmethod
    def of(cls, p: domain.Product) -> "Product":
        return cls(id=strawberry.ID(global_id("Product", p.sku)), sku=p.sku, gtin=p.gtin, name=p.name,
                   brand=p.brand, category=p.category)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], sku: str) -> "Product | None":
        check_scope(info.context.principal, "catalog")
        return await load_product(info, SKU.check(sku))

    @strawberry.field(description="The category's name in the catalog's language (the ERP's product group text); "
                                  "`category` is its code.")
    async def category_name(self, info: Info[Context, None]) -> str | None:
        return await info.context.loaders.category_name_by_code.load(self.category) if self.category else None

    @strawberry.field
    async def description(self, info: Info[Context, None]) -> str | None:
        online = await online_product(info, self.sku)
        return online.description if online else None

    @strawberry.field(extensions=[EmptyWhenUpstreamDown(lambda _: [])])
    async def images(self, info: Info[Context, None]) -> list[Image]:
        online = await online_product(info, self.sku)
        return [Image(url=i.url, alt_text=i.alt_text) for i in online.images] if online else []

    @strawberry.field(extensions=[EmptyWhenUpstreamDown(lambda _: [])])
    async def attributes(self, info: Info[Context, None]) -> list[Attribute]:
        online = await online_product(info, self.sku)
        return [Attribute(name=n, value=v) for n, v in online.attributes] if online else []

    @strawberry.field(description="The one selling price, the same on every channel.", permission_classes=[PRICES])
    async def price(self, info: Info[Context, None]) -> Price:
        shown = await info.context.loaders.erp_price_by_sku.load(self.sku)
        if shown is None:
            raise GatewayError(f"the ERP holds no price for {self.sku}", ErrorCode.UPSTREAM_ERROR, source="erp")
        return Price.of(self.sku, shown)

    @strawberry.field(permission_classes=[AVAILABILITY])
    async def online_availability(self, info: Info[Context, None]) -> OnlineAvailability | None:
        online = await online_product(info, self.sku)
        if online is None:
            return None
        quantity = max(0, online.stock or 0)
        estimate = info.context.now + timedelta(days=DELIVERY_DAYS) if quantity else None
        return OnlineAvailability(quantity=quantity, status=StockStatus(stock_status(quantity)),
                                  delivery_estimate=estimate)

    @strawberry.field(description="Stock in one store; null when the store is unknown.",
                      permission_classes=[AVAILABILITY])
    async def availability_in_store(self, info: Info[Context, None],
                                    store_id: strawberry.ID) -> StoreAvailability | None:
        _, code = parse_global_id(store_id, "Store")
        store = (await info.context.reference.stores.get()).by_code.get(code)
        if store is None:
            return None
        [level] = await stock_levels(info, [(self.sku, code)])
        return StoreAvailability.of(info, store, level, sku=self.sku)

    @strawberry.field(description="Stores around a point, nearest first, with this product's stock in each.",
                      permission_classes=[AVAILABILITY])
    async def nearest_availability(self, info: Info[Context, None], near: GeoPointInput, radius_km: float | None = 50,
                                   first: int | None = 5,
                                   in_stock_only: bool | None = True) -> list[StoreAvailability] | None:
        first = check_first(first, NEAREST_FIRST)
        in_stock_only = in_stock_only is not False
        nearby = nearby_stores(info, await info.context.reference.stores.get(), near.to_domain(), radius_km, first,
                               in_stock_only)
        reach = await stocked(info, self.sku, nearby) if in_stock_only else Reach(nearby)
        found: list[StoreAvailability] = []
        for ring in rings(reach, first):
            levels = await stock_levels(info, [(self.sku, n.store.code) for n in ring])
            shown = (StoreAvailability.of(info, n.store, level, sku=self.sku, distance_km=n.distance_km)
                     for n, level in zip(ring, levels, strict=True)
                     if not in_stock_only or (level and level.sellable > 0))
            found += islice(shown, first - len(found))  # built only for the stores shown
            if len(found) >= first:
                break
        return found

    @strawberry.field(description="Accessories and consumables that go with this product.")
    async def accessories(self, info: Info[Context, None], first: int | None = 10) -> list["Product"]:
        first = check_first(first, 10)
        relations = await info.context.loaders.relations_by_sku.load(self.sku)
        related = await load_products(info, [r.related_sku for r in relations])
        return [p for p in related if p is not None][:first]


async def load_product(info: Info[Context, None], sku: str) -> Product | None:
    [product] = await load_products(info, [sku])
    return product


async def load_products(info: Info[Context, None], skus: list[str],
                        fields: Sequence[SelectedField] | None = None) -> list[Product | None]:
    """By canonical sku, aligned; a delisted article is no longer a product any channel shows. What the products'
    `fields` (by default, those selected on the current field) read by sku starts loading with the records, which
    are sent first: what depends on them waits for them."""
    records = info.context.loaders.product_by_sku
    records.prefetch(skus)
    await start_field_loads(info, skus, product_fields(info) if fields is None else fields)
    found = await records.load_many(skus)
    return [Product.of(p) if p and not p.delisted else None for p in found]
