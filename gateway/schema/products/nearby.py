"""Which stores a product's `nearestAvailability` asks about: shared by the field and its prefetch."""

from collections.abc import Iterator

from strawberry.types import Info

from connectors.domain import GeoPoint

from ...context import Context
from ...geo import Nearby, StoreIndex
from ..common import check_radius
from ..stock_filter import built_sets

DEFAULT_RADIUS_KM = 50.0
NEAREST_FIRST = 5


RING_PER_WANTED = 3  # stores asked per store wanted, in the first ring: most nearby stores carry most articles


def nearby_stores(info: Info[Context, None], stores: StoreIndex, point: GeoPoint, radius_km: float | None,
                  first: int, in_stock_only: bool) -> list[Nearby]:
    """Nearest first within the (checked) radius; only the first `first` when out-of-stock stores are shown too,
    every one in reach otherwise (the stock decides which are shown, ring by ring: `rings`)."""
    radius = check_radius(DEFAULT_RADIUS_KM if radius_km is None else radius_km, info.context.settings.max_radius_km)
    nearby = stores.nearest(point, radius)
    return nearby if in_stock_only else nearby[:first]


async def stocked(info: Info[Context, None], sku: str, nearby: list[Nearby]) -> list[Nearby]:
    """For `inStockOnly`: the stores in reach that the availability index says can sell `sku`; every one in reach
    while the index has never been built (their stock then decides, ring by ring, as the POS counts it)."""
    sets = await built_sets(info)
    return nearby if sets is None else [n for n in nearby if sets.can_sell(sku, n.store.code)]


def rings(nearby: list[Nearby], first: int) -> Iterator[list[Nearby]]:
    """The stores in reach, nearest first, in rings that double: the nearest `first` stores with stock are found
    among the first rings, so a store farther than they are is never asked about (a city holds hundreds)."""
    start, size = 0, max(first * RING_PER_WANTED, 1)
    while start < len(nearby):
        yield nearby[start:start + size]
        start, size = start + size, size * 2
