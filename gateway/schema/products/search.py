"""`searchProducts`: the ERP's text and category search, narrowed by where stock can be sold."""

import asyncio

import strawberry
from strawberry.types import Info

from ...auth.guards import check_scope
from ...context import Context
from ...errors import bad_input
from ..common import GeoPointInput, check_radius
from ..relay import parse_global_id
from ..stores.stock import stock_levels
from .online import online_product

SEARCH_ALL = 100_000  # the whole catalog: availability filters need every candidate to count them
DEFAULT_RADIUS_KM = 30.0


@strawberry.input
class AvailabilityFilter:
    store_id: strawberry.ID | None = strawberry.field(default=None,
                                                      description="Only products with sellable stock in this store.")
    near: GeoPointInput | None = strawberry.field(
        default=None, description="Only products with sellable stock in a store within radiusKm of this point.")
    radius_km: float | None = DEFAULT_RADIUS_KM
    online: bool | None = strawberry.field(default=None, description="Only products that can be delivered.")


def check_filter(info: Info[Context, None], where: AvailabilityFilter) -> None:
    """Refuses a filter that cannot run before the catalog is searched for it."""
    check_scope(info.context.principal, "availability")
    if where.store_id is None and where.near is None and not where.online:
        raise bad_input("`availableAt` needs `storeId`, `near` or `online: true`")
    if where.store_id is not None:
        parse_global_id(where.store_id, "Store")
    if where.near is not None:
        _radius(info, where)


async def available_skus(info: Info[Context, None], skus: list[str], where: AvailabilityFilter) -> list[str]:
    """The skus, in order, that pass every condition of a filter `check_filter` let through."""
    if where.store_id is not None:
        _, code = parse_global_id(where.store_id, "Store")
        skus = await _sellable_in(info, skus, [code])
    if where.near is not None:
        index = await info.context.reference.stores.get()
        codes = [n.store.code for n in index.nearest(where.near.to_domain(), _radius(info, where))]
        skus = await _sellable_in(info, skus, codes)
    if where.online:
        products = await asyncio.gather(*(online_product(info, sku) for sku in skus))
        skus = [sku for sku, p in zip(skus, products, strict=True) if p and (p.stock or 0) > 0]
    return skus


def _radius(info: Info[Context, None], where: AvailabilityFilter) -> float:
    radius = DEFAULT_RADIUS_KM if where.radius_km is None else where.radius_km
    return check_radius(radius, info.context.settings.max_radius_km)


async def _sellable_in(info: Info[Context, None], skus: list[str], codes: list[str]) -> list[str]:
    if not codes:
        return []
    pairs = [(sku, code) for sku in skus for code in codes]
    levels = await stock_levels(info, pairs)
    ok = {sku for (sku, _), level in zip(pairs, levels, strict=True) if level and level.sellable > 0}
    return [sku for sku in skus if sku in ok]
