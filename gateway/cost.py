"""What a field reads from the back offices beyond its own result, estimated before it runs: one registry.

A field costs 1, plus the reads below, plus its selection's cost times the list size its arguments set
(`gateway/limits.py`). A read is one record from a back office: a product, a price, a purchase, a booking,
or the stock of one sku in one store. Measured cold on the simulators (`python -m bench.cost_vs_time`), a
document whose reads dominate takes 0.1 to 0.4 ms per unit, so the default max cost of 20,000 admits a
few seconds of back-office work. Estimates use the store index and the catalog size as last loaded
(`ReferenceData`), never a call of their own. Every field below needs them to read anything, so while one
has never loaded (its system down since start-up) what needs it counts no reads: it fails, or loads it first.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from connectors.domain import GeoPoint

from .geo import StoreIndex

if TYPE_CHECKING:
    from .reference import ReferenceData

ASSUMED_PURCHASES = 100  # a customer's history, both channels: the demo's longest is 66
ASSUMED_ARTICLES = 150  # distinct articles in that history: the demo's most is 121
LOCATIONS_PER_SEARCH = 10  # the POS searches receipts 10 stores at a time

Arguments: TypeAlias = Mapping[str, object]


@dataclass(frozen=True)
class Estate:
    """The sizes a cost rests on, and the radius bound the resolvers enforce (a radius past it reads nothing)."""

    index: StoreIndex | None
    catalog: int
    max_radius_km: float

    @classmethod
    async def of(cls, reference: ReferenceData, max_radius_km: float) -> Estate:
        """As loaded; at start-up, once the first loads settle, so a first request is not measured empty."""
        index, crosswalk = await asyncio.gather(reference.stores.loaded(), reference.crosswalk.loaded())
        return cls(index, len(crosswalk.skus) if crosswalk else 0, max_radius_km)

    @property
    def stores(self) -> int:
        """The open stores."""
        return sum(s.active for s in self.index.stores) if self.index else 0

    def stores_within(self, near: object, radius_km: float | None) -> int:
        """Active stores within the radius (clamped to the bound) of the point; all of them without either."""
        point = _point(near)
        if self.index is None or point is None or radius_km is None:
            return self.stores
        return len(self.index.nearest(point, min(radius_km, self.max_radius_km)))


FieldCost: TypeAlias = Callable[[Arguments, Estate], int]


def _search(args: Arguments, estate: Estate) -> int:
    """`availableAt`: a store or a radius is answered from the availability index (gateway/availability/),
    which reads nothing per article; `online` still checks every article of the catalog at the web shop."""
    where = args.get("availableAt")
    if not isinstance(where, Mapping):
        return 0
    return estate.catalog if where.get("online") is True else 0


def _nearest(args: Arguments, estate: Estate) -> int:
    """The product's stock in every store of the radius; with `inStockOnly: false`, in the first few only."""
    stores = estate.stores_within(args.get("near"), _km(args.get("radiusKm"), estate))
    first = _count(args.get("first"))
    return min(stores, first) if args.get("inStockOnly") is False and first is not None else stores


def _purchases(_: Arguments, estate: Estate) -> int:
    """The customer's whole history from both systems, whatever the page size."""
    return ASSUMED_PURCHASES + math.ceil(estate.stores / LOCATIONS_PER_SEARCH)


def _web_orders(_: Arguments, __: Estate) -> int:
    """Every web order of the customer, whatever the page size."""
    return ASSUMED_PURCHASES


def _recommendations(args: Arguments, estate: Estate) -> int:
    """The history, then per article bought: its accessories, their records, their stock online and in store."""
    return _purchases(args, estate) + 4 * ASSUMED_ARTICLES


def _overdue(args: Arguments, estate: Estate) -> int:
    """The bookings of the store asked for, else of every store."""
    return 1 if args.get("storeId") is not None else estate.stores


READS: dict[str, FieldCost] = {
    "Query.searchProducts": _search,
    "Query.overdueAppointments": _overdue,
    "Product.nearestAvailability": _nearest,
    "Customer.purchaseHistory": _purchases,
    "Customer.orders": _web_orders,
    "Customer.recommendedAccessories": _recommendations,
}


def _float(value: object) -> float | None:
    """A number as the client sent it; None for null or anything else (the resolver refuses those)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:  # an int of hundreds of digits, from JSON
        return math.inf if value > 0 else -math.inf


def _km(value: object, estate: Estate) -> float:
    """A radius as asked; null reads as the bound, the widest a radius can be."""
    radius = _float(value)
    return estate.max_radius_km if radius is None else radius


def _count(value: object) -> int | None:
    number = _float(value)
    return max(0, int(number)) if number is not None and math.isfinite(number) else None


def _point(value: object) -> GeoPoint | None:
    if not isinstance(value, Mapping):
        return None
    latitude, longitude = _float(value.get("latitude")), _float(value.get("longitude"))
    if latitude is None or longitude is None or not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None  # distances to it cannot be computed: every store counts
    return GeoPoint(latitude, longitude)
