"""Each store's seeded stock: every product's figure drawn once per store and kept as one byte.

A POS answering an index build reads every count of every store; drawing each (store, product) pair's figure
from the full hash of its keys, on every read, bound the simulator. The keys shared by a store's products
(seed, purpose, store) are folded once, each product adds one round, and the figures are kept, one byte each.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from .rand import PURPOSE_CARRY, PURPOSE_RESERVED, PURPOSE_STOCK, mix, mix_more, unit_of
from .records import DemoProduct, DemoStore

CARRY_SHARE = {1: 0.35, 2: 0.55, 3: 0.8}
STATES_PER_RESERVED = 3  # reserved is 0, 1 or 2 units


@dataclass(frozen=True, slots=True)
class StockFigure:
    sellable: int
    reserved: int


# code 0: not carried; 1 + sellable * 3 + reserved otherwise (sellable <= 21: one byte is plenty)
_FIGURES: tuple[StockFigure | None, ...] = (None, *(
    StockFigure(n // STATES_PER_RESERVED, n % STATES_PER_RESERVED) for n in range(255)))


class StockRow:
    """Every product's figure at one store, by product index."""

    __slots__ = ("_codes",)

    def __init__(self, codes: bytes) -> None:
        self._codes = codes

    def __getitem__(self, product_index: int) -> StockFigure | None:
        return _FIGURES[self._codes[product_index]]

    def carried(self) -> list[int]:
        """The indexes of the products the store carries, ascending."""
        return [i for i, code in enumerate(self._codes) if code]


def stock_row(seed: int, store: DemoStore, products: Sequence[DemoProduct]) -> StockRow:
    """Every product's figure at the store, as `mix(seed, purpose, store, product)` draws it; `products[i].index
    == i`. One loop with its draws written out: it runs for every pair of the estate."""
    carry_h, stock_h, reserved_h = (mix(seed, purpose, store.index)
                                    for purpose in (PURPOSE_CARRY, PURPOSE_STOCK, PURPOSE_RESERVED))
    share = CARRY_SHARE[store.size]
    codes = bytearray(len(products))
    for product in products:
        n = product.index
        if product.delisted or unit_of(mix_more(carry_h, n)) >= share:
            continue
        roll = unit_of(mix_more(stock_h, n))
        on_hand = 0 if roll < 0.15 else 1 + int((roll - 0.15) * 24)
        drawn = mix_more(reserved_h, n)
        reserved = min(on_hand, 1 + drawn % 2) if unit_of(drawn) < 0.1 else 0
        codes[n] = 1 + (on_hand - reserved) * STATES_PER_RESERVED + reserved
    return StockRow(bytes(codes))
