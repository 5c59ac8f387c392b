"""Types every domain uses: money, places, channels, the Node interface, page info.

The value types are `@shareable`: other subgraphs of a supergraph define their own `PageInfo`, `Money` and the
like, and Federation refuses two definitions of a field unless both say it resolves the same way.
"""

from decimal import Decimal

import strawberry

from connectors import domain
from connectors.domain import Channel as Channel

from ..errors import bad_input


@strawberry.interface(description="An object with an opaque global id that `node(id:)` resolves.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id, stable across releases.")


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.federation.type(shareable=True)
class Money:
    amount: Decimal
    currency_code: str = strawberry.field(description="ISO 4217, e.g. EUR.")

    @classmethod
    def of(cls, money: domain.Money) -> "Money":
        return cls(amount=money.amount.quantize(Decimal("0.01")), currency_code=money.currency)


@strawberry.federation.type(shareable=True)
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.input
class GeoPointInput:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        """A point off the globe (or not finite) is refused as the argument is read: no distance to it exists."""
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise bad_input(f"a point needs a latitude between -90 and 90 and a longitude between -180 and 180, "
                            f"got {self.latitude:g}, {self.longitude:g}")

    def to_domain(self) -> domain.GeoPoint:
        return domain.GeoPoint(self.latitude, self.longitude)


def check_radius(radius_km: float, max_km: float) -> float:
    """Bounded (OMNIGATE_MAX_RADIUS_KM): every store in the radius is asked for stock, so a radius over the
    whole estate is refused before any back office is asked."""
    if not 0 < radius_km <= max_km:  # NaN fails too
        raise bad_input(f"`radiusKm` must be more than 0 and at most {max_km:g}, got {radius_km:g}")
    return radius_km


@strawberry.federation.type(shareable=True)
class Address:
    line1: str
    line2: str | None
    postal_code: str
    city: str
    region: str | None
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2.")

    @classmethod
    def of(cls, a: domain.Address) -> "Address":
        return cls(line1=a.line1, line2=a.line2, postal_code=a.postal_code, city=a.city, region=a.region,
                   country_code=a.country_code)


@strawberry.input
class AddressInput:
    line1: str
    line2: str | None = None
    postal_code: str
    city: str
    region: str | None = None
    country_code: str


# The domain's vocabulary is the schema's: registered, not copied, so the two cannot differ.
strawberry.enum(Channel, description="Where a sale, order or request came from.")
