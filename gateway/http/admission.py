"""Admission control: at most `limit` GraphQL requests run at once in a worker, `queue` more may wait up to
`wait_s` for a slot, and the rest are refused at once (503 with `Retry-After`), before their body is read.

Past a point, more concurrent documents only make every one slower (they share one event loop) and push
the probes' answers back: a refused request can go to another replica straight away. `/healthz`, `/readyz`
and `/metrics` are not admitted through here, so they never queue behind GraphQL work.
"""

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

RETRY_AFTER_S = 1


class Overloaded(Exception):
    """No slot and no room to wait, or no slot within the wait."""


class Admission:
    def __init__(self, limit: int, queue: int, wait_s: float) -> None:
        self.limit, self.queue, self.wait_s = limit, queue, wait_s
        self.running = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def queued(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Raises Overloaded when the request is not admitted."""
        await self._acquire()
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        if self.running < self.limit and not self._waiting:
            self.running += 1
            return
        if len(self._waiting) >= self.queue:
            raise Overloaded
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.wait_s)
        except (TimeoutError, asyncio.CancelledError) as stopped:
            if turn.done():  # the slot was handed over just as the wait ended: give it back
                self._release()
            else:
                turn.cancel()
                with suppress(ValueError):
                    self._waiting.remove(turn)
            if isinstance(stopped, TimeoutError):
                raise Overloaded from None
            raise

    def _release(self) -> None:
        """Hands the slot to the first request still waiting, else frees it."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.running -= 1
