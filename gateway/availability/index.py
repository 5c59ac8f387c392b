"""The availability index: which stores can sell which articles now, held in memory by each gateway process.

Built in the background (at start, or on the first stock-filtered read): the ledger's active holds, then every
store's IN_STOCK counts, a page of 1,000 at a time (BatchRetrieveInventoryCounts per location), paced by
`Pacer`. Kept fresh at once by the live hub's `StockChanged` events, from this replica or another: a quantity
sets the pair's count; none (a hold written, a sale whose figure was not sent) re-reads the pair's count and
the store's holds, coalesced. Checked against the POS every `availability_check_s` with `updated_after` from
the newest count seen, so a lost event heals; the holds are read again then too. A crosswalk or store
directory that changed rebuilds it, the last one serving meanwhile.

A failed read is given up at once and tried again later (`RETRY_AFTER_S`, doubling up to the check interval):
the index never hammers a failing POS, so it never opens the breaker other callers depend on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from connectors.domain import Hold, HoldListing, HoldStatus, StockLevel
from connectors.errors import ConnectorError

from ..cache import Refreshing
from ..clock import Clock, utc_now
from ..crosswalk import Crosswalk
from ..geo import StoreIndex
from ..live import LiveEvent, StockChanged
from .pacing import Pacer
from .sets import HeldUnits, SellableSets

if TYPE_CHECKING:
    from ..backends import Backends

log = logging.getLogger("omnigate.availability")
RETRY_AFTER_S = 5.0
HOLDS_PAGE = 1000
WATERMARK_MARGIN = timedelta(seconds=1)  # `updated_after` is exclusive: a count of the same instant is read again
STORES_PER_CHECK = 100  # location_ids per incremental read (Square documents no maximum)


@dataclass(frozen=True)
class Tuning:
    check_s: float
    reads_at_once: int
    reads_per_s: float


class AvailabilityIndex:
    def __init__(self, backends: Backends, crosswalk: Refreshing[Crosswalk], stores: Refreshing[StoreIndex],
                 pos_articles: Refreshing[frozenset[str]], tuning: Tuning, clock: Clock = utc_now) -> None:
        self._backends = backends
        self._crosswalk = crosswalk
        self._stores = stores
        self._pos_articles = pos_articles
        self._tuning = tuning
        self._clock = clock
        self.pacer = Pacer(tuning.reads_at_once, tuning.reads_per_s)
        self.sets: SellableSets | None = None
        self.failure: ConnectorError | None = None  # the last read's, until one succeeds
        self.synced_at: datetime | None = None  # when the POS last answered the index
        self.built_in_s: float | None = None
        self.built_at: datetime | None = None  # when the last build completed
        self.checked_at: datetime | None = None  # when the last interval check completed
        self._watermark: datetime | None = None  # the newest `calculated_at` read
        self._crosswalk_seen: Crosswalk | None = None
        self._stores_seen: StoreIndex | None = None
        self._dirty_pairs: set[tuple[str, str]] = set()  # (GTIN, store) to count again
        self._dirty_stores: set[str] = set()  # stores whose holds to read again
        self._flushing: asyncio.Task[None] | None = None
        self._loop: asyncio.Task[None] | None = None
        self._built = asyncio.Event()
        self._building = False

    # -- lifecycle

    def start(self) -> None:
        """Builds now in the background, then checks every `check_s`; starting twice changes nothing."""
        if self._loop is None:
            self._loop = asyncio.create_task(self._keep_fresh(), name="availability index")

    async def built(self, timeout_s: float | None = None) -> bool:
        """Whether the first build is done, waiting for it up to `timeout_s` (starting it if need be). Once built,
        at once: every stock-filtered field of a request asks (a 100-article read, 200 times)."""
        self.start()
        if self._built.is_set():
            return True
        try:
            await asyncio.wait_for(self._built.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        tasks = [t for t in (self._loop, self._flushing) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _keep_fresh(self) -> None:
        delay = RETRY_AFTER_S
        while True:
            try:
                await self._build() if await self._needs_build() else await self._check()
                self.failure, delay = None, RETRY_AFTER_S
                await asyncio.sleep(self._tuning.check_s)
            except ConnectorError as error:
                self.failure = error
                log.warning("availability index not refreshed: %s", error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._tuning.check_s)
            except Exception:  # a bug: logged and tried again rather than warming for ever
                log.exception("availability index not refreshed")
                await asyncio.sleep(delay)

    async def _needs_build(self) -> bool:
        crosswalk, stores = await asyncio.gather(self._crosswalk.get(), self._stores.get())
        return self.sets is None or (crosswalk is not self._crosswalk_seen and set(crosswalk.skus) != set(
            self.sets.skus)) or (stores is not self._stores_seen and _codes(stores) != self.sets.stores)

    # -- the build

    async def _build(self) -> None:
        self._building = True
        try:
            await self._read_everything()
        finally:
            self._building = False
        self._schedule_flush()

    async def _read_everything(self) -> None:
        started = asyncio.get_running_loop().time()
        crosswalk, stores = await asyncio.gather(self._crosswalk.get(), self._stores.get())
        await self._pos_articles.get()  # the POS adapter learns every variation's GTIN: no look-up per page
        codes = _codes(stores)
        sets = SellableSets(crosswalk.skus, codes)
        self._dirty_pairs.clear()  # what changes from here on is read again once this build serves
        self._dirty_stores.clear()
        await self._read_holds(sets, codes)
        newest = await self._read_all_counts(sets, crosswalk, codes)
        self.sets, self._crosswalk_seen, self._stores_seen = sets, crosswalk, stores
        self._watermark = newest
        self.synced_at = self.built_at = self._clock()
        self.built_in_s = asyncio.get_running_loop().time() - started
        self._built.set()
        log.info("availability index built: %d stores, %d skus, %.1f s, %d POS reads so far", len(codes),
                 len(sets.skus), self.built_in_s, self.pacer.calls)

    async def _read_all_counts(self, sets: SellableSets, crosswalk: Crosswalk, codes: list[str]) -> datetime | None:
        """Every store's counts, `reads_at_once` stores at a time; the first failure stops them all."""
        queue = list(reversed(codes))
        newest: list[datetime] = []

        async def worker() -> None:
            while queue:
                newest.extend(await self._read_counts(sets, crosswalk, [queue.pop()], None))

        workers = [asyncio.create_task(worker()) for _ in range(min(self._tuning.reads_at_once, len(codes)))]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
        return max(newest, default=None)

    async def _read_counts(self, sets: SellableSets, crosswalk: Crosswalk, codes: Sequence[str],
                           after: datetime | None) -> list[datetime]:
        """Every page of these stores' counts (changed after `after`), applied as they come; the newest time."""
        cursor: str | None = None
        newest: list[datetime] = []
        while True:
            async with self.pacer.call():
                page = await self._backends.store_inventory.counts_page(codes, after, cursor)
            self._apply(sets, crosswalk, page.levels)
            if page.levels:
                newest.append(max(level.updated_at for level in page.levels))
            if page.cursor is None:
                return newest
            cursor = page.cursor

    @staticmethod
    def _apply(sets: SellableSets, crosswalk: Crosswalk, levels: Sequence[StockLevel]) -> None:
        sku_of = crosswalk.sku_of_gtin
        sets.set_counts((sku, level.store_code, level.sellable) for level in levels
                        if (sku := sku_of.get(level.item)) is not None)

    async def _read_holds(self, sets: SellableSets, codes: Sequence[str]) -> None:
        """The active holds at these stores, replacing what `sets` knew of them: one ledger query for all, then
        the next pages of a store holding more than a page."""
        now = self._clock()
        listing = HoldListing(at=now, first=HOLDS_PAGE, status=HoldStatus.ACTIVE)
        pages = await self._backends.reservations.holds_at(list(codes), listing) if codes else []
        for code, page in zip(codes, pages, strict=True):
            held = _units(page.holds)
            while page.has_more and page.holds:
                last = page.holds[-1]
                [page] = await self._backends.reservations.holds_at(
                    [code], replace(listing, after=(last.created_at, last.id)))
                held += _units(page.holds)
            sets.set_holds(code, held, now)

    # -- the interval check

    async def _check(self) -> None:
        """The counts changed at the POS since the newest one read, and every store's holds again."""
        sets, crosswalk = self.sets, self._crosswalk_seen
        if sets is None or crosswalk is None:
            return
        after = self._watermark - WATERMARK_MARGIN if self._watermark is not None else None
        codes = sets.stores
        await self._read_holds(sets, codes)
        await self._count_pairs(sets, crosswalk, [(crosswalk.gtin_of[sku], code) for sku, code in sets.uncounted()
                                                  if sku in crosswalk.gtin_of])
        newest: list[datetime] = []
        for start in range(0, len(codes), STORES_PER_CHECK):
            newest += await self._read_counts(sets, crosswalk, codes[start:start + STORES_PER_CHECK], after)
        if newest:
            self._watermark = max([*newest, *([self._watermark] if self._watermark else [])])
        self.synced_at = self.checked_at = self._clock()

    # -- events

    def on_change(self, event: LiveEvent) -> None:
        """The live hub's handler: a count given is set at once; otherwise the pair is read again shortly. While
        a build runs, every change is read again once it serves (its pages may predate the change)."""
        if not isinstance(event, StockChanged):
            return
        sets, crosswalk = self.sets, self._crosswalk_seen
        sku = crosswalk.sku_of_gtin.get(event.item) if crosswalk is not None else None
        if event.quantity is not None and sets is not None and sku is not None:
            sets.set_count(sku, event.store_code, event.quantity)
            if not self._building:
                return
        self._dirty_pairs.add((event.item, event.store_code))
        self._dirty_stores.add(event.store_code)
        self._schedule_flush()

    async def changes_applied(self, timeout_s: float) -> None:
        """Waits (up to `timeout_s`) for the re-reads the events told so far asked for: a write's own effect is
        seen by the next read."""
        task = self._flushing
        if task is not None and not task.done():
            await asyncio.wait([task], timeout=timeout_s)

    def _schedule_flush(self) -> None:
        if self.sets is None or self._building or not (self._dirty_pairs or self._dirty_stores):
            return
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush(), name="availability re-read")

    async def _flush(self) -> None:
        """Holds first (the ledger, local), then the counts, in one paced batch; a failure leaves them to the
        next check."""
        while (self._dirty_pairs or self._dirty_stores) and self.sets is not None and self._crosswalk_seen:
            sets, crosswalk = self.sets, self._crosswalk_seen
            pairs, stores = list(self._dirty_pairs), list(self._dirty_stores)
            self._dirty_pairs.clear()
            self._dirty_stores.clear()
            try:
                await self._read_holds(sets, stores)
                pairs += [(crosswalk.gtin_of[sku], code) for sku, code in sets.uncounted()
                          if code in stores and sku in crosswalk.gtin_of]
                await self._count_pairs(sets, crosswalk, list(dict.fromkeys(pairs)))
            except ConnectorError as error:
                log.warning("availability index: re-reading %d counts failed, left to the next check: %s",
                            len(pairs), error)
                return
            except Exception:  # the ledger's file, a bug: the next check reads everything again
                log.exception("availability index: re-reading changes failed")
                return

    async def _count_pairs(self, sets: SellableSets, crosswalk: Crosswalk, pairs: list[tuple[str, str]]) -> None:
        if not pairs:
            return
        async with self.pacer.call():
            levels = await self._backends.store_inventory.stock(pairs)
        for (gtin, code), level in zip(pairs, levels, strict=True):
            sku = crosswalk.sku_of_gtin.get(gtin)
            if sku is not None:
                sets.set_count(sku, code, level.sellable if level is not None else 0)
        self.synced_at = self._clock()

    # -- what reads are told

    def lag_s(self, now: datetime) -> float | None:
        """Seconds since the POS last answered the index; None before the first build."""
        return None if self.synced_at is None else max(0.0, (now - self.synced_at).total_seconds())


def _codes(stores: StoreIndex) -> list[str]:
    return [s.code for s in stores.stores if s.active]


def _units(holds: Sequence[Hold]) -> list[tuple[str, HeldUnits]]:
    return [(h.sku, HeldUnits(h.id, h.quantity, h.expires_at)) for h in holds]
