"""Which stores a product's `nearestAvailability` asks about: shared by the field and its prefetch."""

from collections.abc import Iterator
from dataclasses import dataclass

from strawberry.types import Info

from connectors.domain import GeoPoint

from ...context import Context
from ...geo import Nearby, StoreIndex
from ..common import check_radius
from ..stock_filter import built_sets

DEFAULT_RADIUS_KM = 50.0
NEAREST_FIRST = 5


RING_PER_WANTED = 3  # stores asked per store wanted, in the first ring: most nearby stores carry most articles
VOUCHED_SPARE = 1  # stores asked beyond those wanted when the index vouches for each: its misses are rare


@dataclass(frozen=True)
class Reach:
    """The stores in reach, nearest first; `vouched` when the availability index says each can sell the article."""

    stores: list[Nearby]
    vouched: bool = False


def nearby_stores(info: Info[Context, None], stores: StoreIndex, point: GeoPoint, radius_km: float | None,
                  first: int, in_stock_only: bool) -> list[Nearby]:
    """Nearest first within the (checked) radius; only the first `first` when out-of-stock stores are shown too,
    every one in reach otherwise (the stock decides which are shown, ring by ring: `rings`)."""
    radius = check_radius(DEFAULT_RADIUS_KM if radius_km is None else radius_km, info.context.settings.max_radius_km)
    nearby = stores.nearest(point, radius)
    return nearby if in_stock_only else nearby[:first]


async def stocked(info: Info[Context, None], sku: str, nearby: list[Nearby]) -> Reach:
    """For `inStockOnly`: the stores in reach that the availability index says can sell `sku`; every one in reach
    while the index has never been built (their stock then decides, ring by ring, as the POS counts it)."""
    sets = await built_sets(info)
    if sets is None:
        return Reach(nearby)
    return Reach([n for n in nearby if sets.can_sell(sku, n.store.code)], vouched=True)


def rings(reach: Reach, first: int) -> Iterator[list[Nearby]]:
    """The stores in reach, nearest first, in rings that double: the nearest `first` stores with stock are found
    among the first rings, so a store farther than they are is never asked about (a city holds hundreds). Stores
    the index vouches for are asked with one spare: three times as many would triple the stock keys (and, the
    POS counting every variation at every store asked, its pages) of a 100-article partner read."""
    nearby = reach.stores
    start = 0
    size = max(first + VOUCHED_SPARE if reach.vouched else first * RING_PER_WANTED, 1)
    while start < len(nearby):
        yield nearby[start:start + size]
        start, size = start + size, size * 2
