"""At most N calls in flight per system; the rest wait, within their deadline, for a slot.

A hanging system otherwise holds every connection of the shared pool and a task per request until
each times out; with the bulkhead the excess gives up when its deadline says so, and the other
systems' calls never queue behind it (each system has its own).
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class BulkheadFull(Exception):
    """No slot freed up within the wait allowed."""


class Bulkhead:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0
        self.waiting = 0
        self._slots = asyncio.Semaphore(limit)

    @asynccontextmanager
    async def slot(self, wait_s: float | None) -> AsyncIterator[None]:
        """Holds one slot for the body; waits at most `wait_s` (None: as long as it takes) for it."""
        if self._slots.locked():
            if wait_s is not None and wait_s <= 0:
                raise BulkheadFull
            self.waiting += 1
            try:
                async with asyncio.timeout(wait_s):
                    await self._slots.acquire()
            except TimeoutError:
                raise BulkheadFull from None
            finally:
                self.waiting -= 1
        else:
            await self._slots.acquire()
        self.in_use += 1
        try:
            yield
        finally:
            self.in_use -= 1
            self._slots.release()
