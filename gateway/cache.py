"""Cross-request caches: reference data loaded once, shared, refreshed on a TTL.

Concurrent misses share one in-flight load (one upstream call), and when a
refresh fails the last good value is served, marked stale (DESIGN rule 3).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger("omnigate.cache")


class Refreshing(Generic[T]):
    def __init__(self, name: str, load: Callable[[], Awaitable[T]], ttl_s: float | Callable[[T], float],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self._load = load
        self._ttl_of = ttl_s if callable(ttl_s) else (lambda _: float(ttl_s))
        self._ttl_s = 0.0
        self._clock = clock
        self._value: T | None = None
        self._loaded_at = float("-inf")
        self._inflight: asyncio.Task[T] | None = None
        self.stale = False

    async def get(self) -> T:
        if self._value is not None and self._clock() - self._loaded_at < self._ttl_s:
            return self._value
        if self._inflight is None:
            self._inflight = asyncio.create_task(self._refresh())
        try:
            return await asyncio.shield(self._inflight)
        except Exception:
            if self._value is None:
                raise
            self.stale = True
            log.warning("serving stale %s after a failed refresh", self.name)
            return self._value

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")

    async def _refresh(self) -> T:
        try:
            value = await self._load()
            self._value, self._loaded_at, self.stale = value, self._clock(), False
            self._ttl_s = self._ttl_of(value)
            return value
        finally:
            self._inflight = None
