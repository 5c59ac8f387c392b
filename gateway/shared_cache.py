"""Reference data cached across requests, key by key (DESIGN rule 5).

Catalog records, prices and stock are the same for every principal, so a
request may use what another fetched moments ago. Concurrent misses for one
key make one upstream call; a key past its TTL is fetched again, and when that
fails the old value is served and the request is told its answer is stale.
Customer data never goes through here.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Generic, TypeVar

from cachetools import LRUCache

from connectors.errors import ConnectorError

K = TypeVar("K")
V = TypeVar("V")
Fetch = Callable[[Sequence[K]], Awaitable[Sequence[V]]]

# The systems whose cached answers a request was given past their TTL (set per request by the endpoint).
STALE: ContextVar[set[str] | None] = ContextVar("omnigate_stale_sources", default=None)


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    stored_at: float


class KeyedCache(Generic[K, V]):
    def __init__(self, system: str, fetch: Fetch[K, V], ttl_s: float, max_entries: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.system = system
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: LRUCache[K, _Entry[V]] = LRUCache(maxsize=max_entries)
        self._inflight: dict[K, asyncio.Task[dict[K, V]]] = {}

    async def get_many(self, keys: Sequence[K]) -> list[V]:
        """Aligned with `keys`, like the port it stands in front of."""
        now = self._clock()
        found: dict[K, V] = {}
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None and now - entry.stored_at < self._ttl_s:
                found[key] = entry.value
        wanted = [k for k in dict.fromkeys(keys) if k not in found]
        for key, result in zip(wanted, await self._settle(wanted), strict=True):
            found[key] = self._stale_or_raise(key, result) if isinstance(result, ConnectorError) else result
        return [found[key] for key in keys]

    async def _settle(self, keys: list[K]) -> list[V | ConnectorError]:
        """One upstream call for the keys nobody is fetching yet; the others join the call in flight."""
        fresh = [k for k in keys if k not in self._inflight]
        if fresh:
            task = asyncio.ensure_future(self._fill(fresh))
            self._inflight.update(dict.fromkeys(fresh, task))
            task.add_done_callback(lambda _: self._forget(fresh, task))
        tasks = {k: self._inflight[k] for k in keys}
        unique = list(dict.fromkeys(tasks.values()))
        answers = dict(zip(unique, await asyncio.gather(*unique, return_exceptions=True), strict=True))
        results: list[V | ConnectorError] = []
        for key in keys:
            answer = answers[tasks[key]]
            if isinstance(answer, BaseException) and not isinstance(answer, ConnectorError):
                raise answer
            results.append(answer if isinstance(answer, ConnectorError) else answer[key])
        return results

    async def _fill(self, keys: list[K]) -> dict[K, V]:
        values = await self._fetch(keys)
        stored_at = self._clock()
        for key, value in zip(keys, values, strict=True):
            self._entries[key] = _Entry(value, stored_at)
        return dict(zip(keys, values, strict=True))

    def _forget(self, keys: list[K], task: "asyncio.Task[dict[K, V]]") -> None:
        for key in keys:
            if self._inflight.get(key) is task:
                del self._inflight[key]

    def _stale_or_raise(self, key: K, error: ConnectorError) -> V:
        entry = self._entries.get(key)
        if entry is None:
            raise error
        stale = STALE.get()
        if stale is not None:
            stale.add(self.system)
        return entry.value
