"""A DataLoader over one port method: one upstream batch per (system, kind of record) and tick."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from aiodataloader import DataLoader

from connectors.domain import System

K = TypeVar("K")
V = TypeVar("V")


class PortLoader(Generic[K, V]):
    """Named for what it keys on; wraps aiodataloader (untyped) behind typed `load` and `load_many`."""

    def __init__(self, name: str, system: System, fetch: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> None:
        self.name = name
        self.system = system
        self._fetch = fetch
        self._loader = DataLoader(batch_load_fn=self._batch)

    async def _batch(self, keys: list[K]) -> list[V]:
        return list(await self._fetch(keys))

    async def load(self, key: K) -> V:
        value: V = await self._loader.load(key)
        return value

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        values: list[V] = await self._loader.load_many(list(keys))
        return values
