"""One gateway process's connection to the Redis its replicas share, and whether Redis is usable right now.

Every call is bounded: by `OMNIGATE_REDIS_TIMEOUT_S`, and by what is left of the request's deadline, so a slow
Redis costs a request at most that long. A call that fails or times out marks Redis down; from then on calls
fail at once (`Unavailable`, and the caller falls back to its in-process state) until the watcher's ping is
answered again: an outage costs one timeout, not one per request. Writes nobody waits for (a cache fill, an
invalidation) run in the background with the same bound.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from connectors.resilience import deadline

T = TypeVar("T")
Work = Callable[[Redis], Awaitable[T]]
RECHECK_S = 0.5  # how often a Redis marked down is pinged
FAILURES = (RedisError, OSError, TimeoutError)
log = logging.getLogger("omnigate.redis")


class Unavailable(Exception):
    """Redis is down, or did not answer in time: the caller serves from its own process."""


class RedisLink:
    def __init__(self, url: str, timeout_s: float, prefix: str = "omnigate:") -> None:
        self.prefix = prefix
        self.replica = uuid.uuid4().hex  # names this process in what it publishes
        self.timeout_s = timeout_s
        self.client = connect(url, timeout_s, reads_wait=True)
        self.url = url
        self._down_since: datetime | None = None
        self._error: str | None = None
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def up(self) -> bool:
        return self._down_since is None

    async def call(self, work: Work[T]) -> T:
        """`work`'s answer, or Unavailable at once while Redis is down, or after the bounded wait."""
        if self._down_since is not None:
            raise Unavailable(self._error or "Redis is down")
        left = deadline.remaining()
        bound = self.timeout_s if left is None else max(0.0, min(self.timeout_s, left))
        try:
            async with asyncio.timeout(bound):
                return await work(self.client)
        except FAILURES as error:
            if not (isinstance(error, TimeoutError) and bound < self.timeout_s):  # the request's deadline ran out
                self.fell(error)
            raise Unavailable(str(error) or type(error).__name__) from None

    def spawn(self, work: Work[Any]) -> None:
        """`work` in the background, bounded as `call`; a failure only marks Redis down."""
        task = asyncio.get_running_loop().create_task(self._quietly(work))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def fell(self, error: BaseException) -> None:
        self._error = str(error) or type(error).__name__
        if self._down_since is None:
            self._down_since = datetime.now(UTC)
            log.warning("Redis is unreachable, serving from this process's own state: %s", self._error)

    async def watch(self) -> None:
        """While the application runs: pings a Redis marked down until it answers, then uses it again."""
        while True:
            await asyncio.sleep(RECHECK_S)
            if self._down_since is None:
                continue
            try:
                async with asyncio.timeout(self.timeout_s):
                    await self.client.ping()
            except FAILURES:
                continue
            log.warning("Redis answers again after %.1f s", (datetime.now(UTC) - self._down_since).total_seconds())
            self._down_since, self._error = None, None

    def report(self) -> dict[str, Any]:
        """What `/status` shows of Redis."""
        if self._down_since is None:
            return {"state": "up"}
        return {"state": "down", "since": self._down_since.isoformat(), "error": self._error}

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.client.aclose()

    async def _quietly(self, work: Work[Any]) -> None:
        with contextlib.suppress(Unavailable):
            await self.call(work)


def connect(url: str, timeout_s: float, reads_wait: bool) -> Redis:
    """A client that never retries on its own (the caller falls back instead); `reads_wait=False` for the
    subscription, whose reads wait for the next message however long it takes."""
    return Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s if reads_wait else None,
                          retry=Retry(NoBackoff(), 0), socket_keepalive=True)
