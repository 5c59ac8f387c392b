"""The catalog's answer to a search, whole, kept as long as catalog data is: the candidates a stock filter narrows.

A stock-filtered search needs every product matching the text and category (to count them exactly), so it
asks the ERP for all of them, in sku order, once per catalog TTL and (text, category); past the TTL the last
answer keeps serving while one refresh runs in the background (named in `staleSources` once a refresh has
failed). No text and no category is the whole listed
catalog: delisted articles are never candidates. Concurrent misses for one key make one search.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from cachetools import LRUCache
from pyroaring import BitMap

from connectors.domain import SearchPage, System
from connectors.errors import ConnectorError

from ..cache import mark_stale
from .sets import SellableSets

SEARCH_ALL = 1_000_000  # every match: the ERP pages it (5,000 a page)
KEPT = 256
log = logging.getLogger("omnigate.availability")
Key = tuple[str | None, str | None]
Search = Callable[[str | None, str | None, int, int], Awaitable[SearchPage]]


@dataclass
class _Entry:
    skus: tuple[str, ...]
    fetched_at: float
    numbered: tuple[SellableSets, BitMap] | None = field(default=None)


class SearchCandidates:
    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: LRUCache[Key, _Entry] = LRUCache(maxsize=KEPT)
        self._inflight: dict[Key, asyncio.Task[_Entry]] = {}
        self._failing: set[Key] = set()

    async def skus(self, search: Search, text: str | None, category: str | None) -> tuple[str, ...]:
        """The matching skus, in the catalog's (sku) order."""
        return (await self._entry(search, (text, category))).skus

    async def numbers(self, search: Search, text: str | None, category: str | None, sets: SellableSets) -> BitMap:
        """The matching skus as `sets` numbers them (skus it does not know are left out)."""
        entry = await self._entry(search, (text, category))
        if entry.numbered is None or entry.numbered[0] is not sets:
            entry.numbered = (sets, sets.numbers(entry.skus))
        return entry.numbered[1]

    async def _entry(self, search: Search, key: Key) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            return await asyncio.shield(self._fetch(search, key))
        age_s = self._clock() - entry.fetched_at
        if age_s > self._ttl_s:
            self._fetch(search, key).add_done_callback(_logged)
            if key in self._failing:  # the catalog did not answer the last refresh: the answer says so
                mark_stale(System.ERP.value, age_s)
        return entry

    def _fetch(self, search: Search, key: Key) -> "asyncio.Task[_Entry]":
        task = self._inflight.get(key)
        if task is None:
            task = self._inflight[key] = asyncio.create_task(self._search(search, key))
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return task

    async def _search(self, search: Search, key: Key) -> _Entry:
        try:
            page = await search(key[0], key[1], 0, SEARCH_ALL)
        except ConnectorError:
            self._failing.add(key)
            raise
        self._failing.discard(key)
        entry = self._entries[key] = _Entry(page.skus, self._clock())
        return entry


def _logged(task: "asyncio.Task[_Entry]") -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("a catalog search behind a stock filter was not refreshed: %s", error)
