"""Great-circle distances and the nearest-store index."""

import math
from dataclasses import dataclass

from cachetools import LRUCache

from connectors.domain import GeoPoint, Store

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Nearby:
    store: Store
    distance_km: float


class StoreIndex:
    """All stores of the estate, by code and by distance; a few hundred fit a linear scan in microseconds."""

    def __init__(self, stores: list[Store]) -> None:
        self.stores = sorted(stores, key=lambda s: s.code)
        self.by_code = {s.code: s for s in self.stores}
        # one answer per point: a list of 100 products asks for the stores around the same point 100 times
        self._recent: LRUCache[tuple[GeoPoint, float | None, bool], list[Nearby]] = LRUCache(maxsize=1024)

    def nearest(self, point: GeoPoint, radius_km: float | None = None, active_only: bool = True) -> list[Nearby]:
        """Stores within `radius_km` (all when None), nearest first, ties broken by store code."""
        key = (point, radius_km, active_only)
        found = self._recent.get(key)
        if found is None:
            found = self._recent[key] = self._scan(point, radius_km, active_only)
        return list(found)

    def _scan(self, point: GeoPoint, radius_km: float | None, active_only: bool) -> list[Nearby]:
        found = [Nearby(s, haversine_km(point, s.location)) for s in self.stores if s.active or not active_only]
        if radius_km is not None:
            found = [n for n in found if n.distance_km <= radius_km]
        return sorted(found, key=lambda n: (n.distance_km, n.store.code))
