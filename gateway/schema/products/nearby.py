"""Which stores a product's `nearestAvailability` asks about: shared by the field and its prefetch."""

from strawberry.types import Info

from connectors.domain import GeoPoint

from ...context import Context
from ...geo import Nearby, StoreIndex
from ..common import check_radius

DEFAULT_RADIUS_KM = 50.0
NEAREST_FIRST = 5


def nearby_stores(info: Info[Context, None], stores: StoreIndex, point: GeoPoint, radius_km: float | None,
                  first: int, in_stock_only: bool) -> list[Nearby]:
    """Nearest first within the (checked) radius; only the first `first` when out-of-stock stores are shown too,
    every one in reach otherwise (the stock decides which are shown)."""
    radius = check_radius(DEFAULT_RADIUS_KM if radius_km is None else radius_km, info.context.settings.max_radius_km)
    nearby = stores.nearest(point, radius)
    return nearby if in_stock_only else nearby[:first]
