"""The demo world: one seeded retail estate that all four simulators share.

Stores, products and customers are built up front; per-store stock and each
customer's history are pure functions of the seed, computed when asked.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import Enum

from .bookings import build_bookings
from .catalog import build_products
from .categories import CATEGORIES
from .customers import build_customers
from .history import History
from .records import Booking, DemoCustomer, DemoProduct, DemoStore
from .stock import StockFigure, StockRow, stock_row
from .stores import build_stores


class Scale(Enum):
    """(stores, products, customers) of each size of world."""

    SMALL = (40, 600, 1500)
    DEFAULT = (260, 5200, 20000)
    LARGE = (400, 20000, 100000)


@dataclass
class World:
    seed: int
    scale: Scale
    as_of: date
    stores: tuple[DemoStore, ...]
    products: tuple[DemoProduct, ...]
    customers: tuple[DemoCustomer, ...]
    bookings: tuple[Booking, ...]
    history: History = field(repr=False)

    def __post_init__(self) -> None:
        self.store_by_code = {s.code: s for s in self.stores}
        self.product_by_sku = {p.sku: p for p in self.products}
        self.customer_by_crm_id = {c.crm_id: c for c in self.customers}
        self._stock_rows: dict[int, StockRow] = {}

    @property
    def now(self) -> datetime:
        """The world's clock: noon UTC on its as-of date, so builds on one day agree."""
        return datetime.combine(self.as_of, time(12), UTC)

    def store_stock(self, store: DemoStore, product: DemoProduct) -> StockFigure | None:
        """Stock of one product in one store as the POS records it; None when the store does not carry it."""
        return self.stock_row(store)[product.index]

    def stock_row(self, store: DemoStore) -> StockRow:
        """Every product's stock in one store, drawn on first use and kept (a byte a product)."""
        row = self._stock_rows.get(store.index)
        if row is None:
            row = self._stock_rows[store.index] = stock_row(self.seed, store, self.products)
        return row


def build_world(seed: int = 42, scale: Scale = Scale.DEFAULT, as_of: date | None = None) -> World:
    """The same (seed, scale, as_of) builds the same world, byte for byte."""
    as_of = as_of or datetime.now(UTC).date()
    n_stores, n_products, n_customers = scale.value
    stores = build_stores(seed, n_stores)
    products = build_products(seed, n_products, as_of)
    customers = build_customers(seed, n_customers, stores, as_of)
    return World(seed, scale, as_of, stores, products, customers, build_bookings(seed, stores, customers, as_of),
                 History(seed, as_of, products, stores))


__all__ = ["CATEGORIES", "Scale", "StockFigure", "World", "build_world"]
