"""Store stock as the POS counts it: the world's figures plus an overlay of the adjustments posted since.

IN_STOCK is what can be sold; RESERVED_FOR_SALE is on hand but held by the seller's
own apps (the API can read it, never move stock into or out of it). Only the
tracked states have counts; SOLD and NONE are where stock goes to or comes from.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from simulators.world import DemoProduct, DemoStore, StockFigure, World

TRACKED_STATES = ("IN_STOCK", "RESERVED_FOR_SALE", "WASTE")
# The adjustments the sheet lists as accepted: a sale, a loss, a receipt, a return.
ALLOWED_MOVES = frozenset({("IN_STOCK", "SOLD"), ("IN_STOCK", "WASTE"), ("NONE", "IN_STOCK"), ("SOLD", "IN_STOCK")})
SYNC_SPREAD_MINUTES = 720  # seeded counts were last calculated up to this long before the seed instant


class Count(NamedTuple):  # a tuple: an index build makes a million of them
    store: DemoStore
    product: DemoProduct
    state: str
    quantity: Decimal
    calculated_at: datetime


@dataclass(frozen=True, slots=True)
class Move:
    store: DemoStore
    product: DemoProduct
    from_state: str
    to_state: str
    quantity: Decimal


class Overdraw(Exception):
    """A move takes more than its from_state holds; `index` names the move."""

    def __init__(self, index: int, available: Decimal) -> None:
        super().__init__(f"move {index} exceeds the {available} available")
        self.index, self.available = index, available


Key = tuple[str, int, str]  # (store code, product index, state)
Listener = Callable[[list[tuple[DemoStore, DemoProduct]]], None]


_UNITS = tuple(Decimal(n) for n in range(256))  # the seeded figures' Decimals, made once


def _seeded(figure: StockFigure | None, state: str) -> Decimal:
    """A tracked state's seeded quantity (WASTE starts empty)."""
    if figure is None or state == "WASTE":
        return _UNITS[0]
    return _UNITS[figure.sellable if state == "IN_STOCK" else figure.reserved]


class StockBook:
    def __init__(self, world: World, seeded_at: datetime) -> None:
        self.world = world
        self.seeded_at = seeded_at
        self._overlay: dict[Key, tuple[Decimal, datetime]] = {}
        self._touched: dict[str, set[int]] = {}
        self._carried: dict[str, tuple[int, ...]] = {}
        self._synced: dict[str, datetime] = {}
        self.listeners: list[Listener] = []  # told of each (store, product) whose IN_STOCK count changed
        self.version = 0  # counts changed since: a cached answer of an older version is stale

    def counts(self, store: DemoStore, product: DemoProduct, also: Iterable[str] = ()) -> list[Count]:
        """IN_STOCK for a tracked (store, product), other states when non-zero or listed in `also`."""
        figure = self.world.stock_row(store)[product.index]
        if figure is None and product.index not in self._touched.get(store.code, ()):
            return []
        at = self._seeded_at(store)
        wanted = set(also) if also else ()
        counts = []
        for state in TRACKED_STATES:
            seeded = _seeded(figure, state)
            found = self._overlay.get((store.code, product.index, state))
            quantity, when = found if found is not None else (seeded, at)
            if state == "IN_STOCK" or quantity or state in wanted:
                counts.append(Count(store, product, state, quantity, when))
        return counts

    def store_counts(self, store: DemoStore) -> list[Count]:
        """`counts` of every tracked product at the store, in product order. A product never adjusted there has
        only its seeded figures (IN_STOCK, RESERVED_FOR_SALE when some are), read straight from the row."""
        row, at, touched = self.world.stock_row(store), self._seeded_at(store), self._touched.get(store.code, ())
        found: list[Count] = []
        for product in self.tracked(store):
            figure = row[product.index]
            if product.index in touched or figure is None:
                found += self.counts(store, product)
                continue
            found.append(Count(store, product, "IN_STOCK", _UNITS[figure.sellable], at))
            if figure.reserved:
                found.append(Count(store, product, "RESERVED_FOR_SALE", _UNITS[figure.reserved], at))
        return found

    def tracked(self, store: DemoStore) -> list[DemoProduct]:
        """The products with counts at a store: those it carries and those adjusted into it."""
        if store.code not in self._carried:
            self._carried[store.code] = tuple(self.world.stock_row(store).carried())
        carried, touched = self._carried[store.code], self._touched.get(store.code)
        indexes: Iterable[int] = sorted(set(carried) | touched) if touched else carried
        products = self.world.products
        return [products[i] for i in indexes]

    def apply(self, moves: list[Move], at: datetime) -> None:
        """All moves or none: an overdraw anywhere raises Overdraw and changes nothing."""
        pending: dict[Key, Decimal] = {}

        def current(move: Move, state: str) -> tuple[Key, Decimal]:
            key = (move.store.code, move.product.index, state)
            return key, pending[key] if key in pending else self._quantity(move.store, move.product, state)

        for index, move in enumerate(moves):
            if move.from_state in TRACKED_STATES:  # NONE and SOLD are not counted, so never overdrawn
                source, available = current(move, move.from_state)
                if available < move.quantity:
                    raise Overdraw(index, available)
                pending[source] = available - move.quantity
            if move.to_state in TRACKED_STATES:
                target, held = current(move, move.to_state)
                pending[target] = held + move.quantity
        self.version += 1
        for key, quantity in pending.items():
            self._overlay[key] = (quantity, at)
            self._touched.setdefault(key[0], set()).add(key[1])
        changed = list(dict.fromkeys((m.store, m.product) for m in moves if "IN_STOCK" in (m.from_state, m.to_state)))
        for listener in self.listeners:
            listener(changed)

    def _quantity(self, store: DemoStore, product: DemoProduct, state: str) -> Decimal:
        counts = self.counts(store, product, also=TRACKED_STATES)
        return next((c.quantity for c in counts if c.state == state), Decimal(0))

    def _seeded_at(self, store: DemoStore) -> datetime:
        """Each store's last full sync, spread over the half day before the seed instant."""
        if store.code not in self._synced:
            digest = hashlib.blake2b(f"{self.world.seed}:{store.code}".encode(), digest_size=4).digest()
            minutes = int.from_bytes(digest, "big") % SYNC_SPREAD_MINUTES
            self._synced[store.code] = self.seeded_at - timedelta(minutes=minutes)
        return self._synced[store.code]
