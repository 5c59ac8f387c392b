"""Which stores can sell which articles now: one compressed bitmap per store over a numbering of the skus.

Sellable at a store = what the POS counts IN_STOCK minus Omnigate's active holds there, more than zero. Most
pairs are never held, so only their "in stock" bit is kept (`_stocked`); the few pairs under holds keep their
count and their holds too (`_counts`, `_holds`), which is all the arithmetic needs. The skus are numbered in
sorted order, so a bitmap iterates in sku order and a page resumes after a sku by rank. A hold stops counting
at its `expires_at`: `lapse(now)` runs the due ones off a heap before each read, with no timer.
"""

import bisect
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pyroaring import BitMap

Pair = tuple[int, str]  # (sku number, store code)


@dataclass(frozen=True, slots=True)
class HeldUnits:
    hold_id: str
    quantity: int
    expires_at: datetime


class SellableSets:
    def __init__(self, skus: Iterable[str], stores: Iterable[str]) -> None:
        self.skus: list[str] = sorted(set(skus))
        self.number = {sku: n for n, sku in enumerate(self.skus)}
        self._stocked: dict[str, BitMap] = {code: BitMap() for code in stores}
        self._sellable: dict[str, BitMap] = {code: BitMap() for code in self._stocked}
        self._counts: dict[Pair, int] = {}  # IN_STOCK of the pairs under holds
        self._holds: dict[Pair, tuple[HeldUnits, ...]] = {}
        self._lapsing: list[tuple[datetime, int, str]] = []

    @property
    def stores(self) -> list[str]:
        return list(self._stocked)

    # -- what the POS counts

    def set_count(self, sku: str, store: str, in_stock: int) -> None:
        """The POS's IN_STOCK for one pair; unknown skus and stores are ignored (a rebuild brings them)."""
        n = self.number.get(sku)
        if n is None or store not in self._stocked:
            return
        if in_stock > 0:
            self._stocked[store].add(n)
        else:
            self._stocked[store].discard(n)
        if (n, store) in self._holds:
            self._counts[(n, store)] = in_stock
        self._settle(n, store)

    def set_counts(self, counts: Iterable[tuple[str, str, int]]) -> None:
        """Many (sku, store, IN_STOCK) at once (a page of the POS's counts): the bitmaps change in bulk, the few
        pairs under holds one by one."""
        stocked: dict[str, list[int]] = {}
        empty: dict[str, list[int]] = {}
        for sku, store, in_stock in counts:
            n = self.number.get(sku)
            if n is None or store not in self._stocked:
                continue
            if (n, store) in self._holds:
                self.set_count(sku, store, in_stock)
            else:
                (stocked if in_stock > 0 else empty).setdefault(store, []).append(n)
        for store, numbers in stocked.items():
            self._stocked[store].update(numbers)
            self._sellable[store].update(numbers)
        for store, numbers in empty.items():
            gone = BitMap(numbers)
            self._stocked[store].difference_update(gone)
            self._sellable[store].difference_update(gone)

    # -- what the ledger holds

    def set_holds(self, store: str, holds: Iterable[tuple[str, HeldUnits]], now: datetime) -> None:
        """Every active hold at `store` as (sku, units), replacing what was known there."""
        if store not in self._stocked:
            return
        grouped: dict[int, list[HeldUnits]] = {}
        for sku, units in holds:
            if (n := self.number.get(sku)) is not None and units.expires_at > now:
                grouped.setdefault(n, []).append(units)
        touched = {n for n, code in self._holds if code == store} | set(grouped)
        for n in touched:
            self._hold(n, store, tuple(grouped.get(n, ())))

    def needs_count(self, store: str) -> list[str]:
        """Skus held at `store` whose POS count is not known yet (a hold that appeared since the last read)."""
        return [sku for sku, code in self.uncounted() if code == store]

    def uncounted(self) -> list[tuple[str, str]]:
        """Every held (sku, store) whose POS count is not known yet."""
        return [(self.skus[n], code) for n, code in self._holds if (n, code) not in self._counts]

    def _hold(self, n: int, store: str, held: tuple[HeldUnits, ...]) -> None:
        pair = (n, store)
        if held:
            self._holds[pair] = held
            for units in held:
                heapq.heappush(self._lapsing, (units.expires_at, n, store))
        else:
            self._holds.pop(pair, None)
            self._counts.pop(pair, None)
        self._settle(n, store)

    def lapse(self, now: datetime) -> None:
        """Holds past their `expires_at` stop counting."""
        while self._lapsing and self._lapsing[0][0] <= now:
            _, n, store = heapq.heappop(self._lapsing)
            held = self._holds.get((n, store))
            if held is not None:
                self._hold(n, store, tuple(u for u in held if u.expires_at > now))

    def _settle(self, n: int, store: str) -> None:
        held = self._holds.get((n, store))
        if held is None:
            sellable = n in self._stocked[store]
        else:  # a count not read yet: hidden until it is, rather than shown on a guess
            count = self._counts.get((n, store))
            sellable = count is not None and count - sum(u.quantity for u in held) > 0
        if sellable:
            self._sellable[store].add(n)
        else:
            self._sellable[store].discard(n)

    # -- reads

    def sellable_in(self, stores: Sequence[str]) -> BitMap:
        """The sku numbers that at least one of `stores` can sell (a new bitmap)."""
        maps = [self._sellable[code] for code in stores if code in self._sellable]
        return BitMap.union(*maps) if maps else BitMap()

    def can_sell(self, sku: str, store: str) -> bool:
        n = self.number.get(sku)
        found = self._sellable.get(store)
        return n is not None and found is not None and n in found

    def numbers(self, skus: Iterable[str]) -> BitMap:
        return BitMap(n for sku in skus if (n := self.number.get(sku)) is not None)

    def after(self, sku: str | None) -> int:
        """The first sku number past `sku` in sku order (0 without one): where the next page starts."""
        return 0 if sku is None else bisect.bisect_right(self.skus, sku)

    def sellable_pairs(self) -> int:
        """How many (store, sku) pairs can sell now."""
        return sum(len(b) for b in self._sellable.values())

    def memory_bytes(self) -> int:
        """What the bitmaps take, serialised (roaring's in-memory size within a few percent)."""
        return sum(len(b.serialize()) for maps in (self._stocked, self._sellable) for b in maps.values())
