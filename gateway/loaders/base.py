"""A DataLoader over one port method: one upstream batch per (system, kind of record) and tick."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from opentelemetry import trace

from connectors.domain import System
from connectors.errors import ConnectorError

from ..observability.record import current
from .batch import TickBatch

K = TypeVar("K")
V = TypeVar("V")
TRACER = trace.get_tracer("omnigate.loaders")
Fetch = Callable[[Sequence[K]], Awaitable[Sequence[V]]]
# keys a cross-request cache sent upstream during one batch (its misses): the batch sets it, `counted` adds to it
_FETCHED: ContextVar[list[int] | None] = ContextVar("omnigate_fetched_keys", default=None)


def counted(fetch: Fetch[K, V]) -> Fetch[K, V]:
    """A cache's upstream fetch that tells the batch waiting on it how many keys it missed. A batch that
    joined another request's fetch in flight counts those keys as hits: they cost no call of their own."""
    async def fetching(keys: Sequence[K]) -> Sequence[V]:
        tally = _FETCHED.get()
        if tally is not None:
            tally[0] += len(keys)
        return await fetch(keys)

    return fetching


class PortLoader(Generic[K, V]):
    """Named for what it keys on; batches its keys per tick (`TickBatch`, at most `max_keys` a call; 0: no bound).

    Each batch is one span: system, loader (the kind of record), how many keys went into it, how many loads
    this request answered from what it had already fetched (`omnigate.cache.hits`), and, in front of a
    cross-request cache (`cache`), how many keys that cache held and missed. The same go to the metrics.
    """

    def __init__(self, name: str, system: System, fetch: Fetch[K, V], cache: str | None = None,
                 max_keys: int = 0) -> None:
        self.name = name
        self.system = system
        self.cache = cache
        self._fetch = fetch
        self._loader: TickBatch[K, V] = TickBatch(self._batch, max_keys)
        self._hits = 0
        self._prefetched: set[K] = set()

    async def _batch(self, keys: list[K]) -> list[V]:
        attributes: dict[str, str | int] = {
            "omnigate.system": self.system.value, "omnigate.loader": self.name, "omnigate.batch.size": len(keys),
            "omnigate.cache.hits": self._hits}
        self._hits = 0
        with TRACER.start_as_current_span(f"{self.system.value} {self.name}", attributes=attributes) as span:
            tally = [0]
            token = _FETCHED.set(tally)
            try:
                return list(await self._fetch(keys))
            except ConnectorError as error:
                record = current()
                if record is not None:
                    record.metrics.upstream_errors.labels(self.system.value, type(error).__name__).inc()
                raise
            finally:
                _FETCHED.reset(token)
                if self.cache is not None:
                    self._observe_cache(span, len(keys), min(tally[0], len(keys)))

    def _observe_cache(self, span: trace.Span, size: int, misses: int) -> None:
        assert self.cache is not None
        span.set_attribute("omnigate.shared_cache", self.cache)
        span.set_attribute("omnigate.shared_cache.hits", size - misses)
        span.set_attribute("omnigate.shared_cache.misses", misses)
        record = current()
        if record is not None:
            record.metrics.observe_cache(self.cache, size - misses, misses)

    async def load(self, key: K) -> V:
        return await self.load_soon(key)

    def load_soon(self, key: K) -> "asyncio.Future[V]":
        """As `load`, queued as this is called: reads from several loaders, each started so, can then be awaited
        one after the other and still go out together, with no task each."""
        self._count_hits([key])
        return self._loader.load(key)

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        self._count_hits(keys)
        return await self._loader.load_many(keys)

    def prefetch(self, keys: Sequence[K]) -> "asyncio.Future[list[V]]":
        """Starts loading `keys` now, in this tick's batch, for a field that will ask for them later (it then
        waits on the same future, which is not counted as a hit); their values, for what depends on them. A
        failure is the field's to report."""
        asked = list(dict.fromkeys(keys))
        self._prefetched.update(key for key in asked if key not in self._loader)
        values = self._loader.load_many(asked)
        values.add_done_callback(_retrieved)
        return values

    def forget(self, key: K) -> None:
        """After this request changed the record: the next load reads it again rather than what it had."""
        self._loader.forget(key)

    def prime(self, key: K, value: V) -> None:
        """What a write just answered: the request reads it back without asking the system again."""
        self._loader.prime(key, value)

    def _count_hits(self, keys: Sequence[K]) -> None:
        prefetched = self._prefetched
        if prefetched:
            self._hits += self._loader.asked([key for key in keys if key not in prefetched])
            prefetched.difference_update(keys)
        else:
            self._hits += self._loader.asked(keys)


def _retrieved(future: "asyncio.Future[Any]") -> None:
    """Marks a prefetch's failure as seen: the field that reads the key gets the error, or nobody needed it."""
    if not future.cancelled():
        future.exception()
