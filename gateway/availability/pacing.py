"""A bound on the availability index's own calls to the POS: so many in flight, so many a second.

Requests share the POS's rate limit and the gateway's bulkhead and breaker with the index; a build of a
thousand stores must not crowd them out, so its pages queue here rather than at the POS.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Pacer:
    def __init__(self, at_once: int, per_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._slots = asyncio.Semaphore(at_once)
        self._gap_s = 1.0 / per_s
        self._clock = clock
        self._next_at = 0.0
        self.calls = 0

    @asynccontextmanager
    async def call(self) -> AsyncIterator[None]:
        """Holds a slot for one call, started no sooner than the rate allows."""
        async with self._slots:
            now = self._clock()
            start = max(now, self._next_at)
            self._next_at = start + self._gap_s
            if start > now:
                await asyncio.sleep(start - now)
            self.calls += 1
            yield
