"""A DataLoader over one port method: one upstream batch per (system, kind of record) and tick."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from aiodataloader import DataLoader
from opentelemetry import trace

from connectors.domain import System

K = TypeVar("K")
V = TypeVar("V")
TRACER = trace.get_tracer("omnigate.loaders")


class PortLoader(Generic[K, V]):
    """Named for what it keys on; wraps aiodataloader (untyped) behind typed `load` and `load_many`.

    Each batch is one span: system, loader, how many keys went upstream and how many
    loads this request answered from what it had already fetched.
    """

    def __init__(self, name: str, system: System, fetch: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> None:
        self.name = name
        self.system = system
        self._fetch = fetch
        self._loader = DataLoader(batch_load_fn=self._batch)
        self._hits = 0

    async def _batch(self, keys: list[K]) -> list[V]:
        attributes = {"omnigate.system": self.system.value, "omnigate.loader": self.name,
                      "omnigate.batch.size": len(keys), "omnigate.cache.hits": self._hits}
        self._hits = 0
        with TRACER.start_as_current_span(f"{self.system.value} {self.name}", attributes=attributes):
            return list(await self._fetch(keys))

    async def load(self, key: K) -> V:
        self._count_hits([key])
        value: V = await self._loader.load(key)
        return value

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        self._count_hits(keys)
        values: list[V] = await self._loader.load_many(list(keys))
        return values

    def forget(self, key: K) -> None:
        """After this request changed the record: the next load reads it again rather than what it had."""
        self._loader.clear(key)

    def prime(self, key: K, value: V) -> None:
        """What a write just answered: the request reads it back without asking the system again."""
        self._loader.clear(key)
        self._loader.prime(key, value)

    def _count_hits(self, keys: Sequence[K]) -> None:
        cached = self._loader._cache  # aiodataloader keeps one future per key already asked for
        self._hits += sum(1 for key in keys if key in cached)
