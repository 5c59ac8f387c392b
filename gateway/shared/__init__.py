"""State the replicas share through Redis (`OMNIGATE_REDIS_URL`): the reference-data caches' second level and
their invalidations, the response cache's invalidations, the rate-limit buckets, the persisted queries.

Nothing here is durable (PostgreSQL holds that) and no customer data comes here. When Redis is unreachable,
each piece falls back to the process's own state (rate limits as `OMNIGATE_RATE_LIMIT_WITHOUT_REDIS` says),
`/status` says Redis is down, and Redis is used again once it answers.
"""

import asyncio
import dataclasses
import typing
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from ..cache import KeyedCache
from ..loaders.shared import SharedCaches
from ..ratelimit import RateLimiter
from ..response_cache import ResponseCache
from ..settings import Settings
from .buckets import RedisRateLimiter
from .bus import Bus
from .documents import SharedDocuments
from .link import RedisLink, Unavailable
from .tiers import SharedKeyed, SharedValues, key_of

__all__ = ["SharedState", "Unavailable"]


class SharedState:
    def __init__(self, url: str, settings: Settings) -> None:
        self.link = RedisLink(url, settings.redis_timeout_s)
        self.bus = Bus(self.link)
        self.documents = SharedDocuments(self.link)
        self.values = SharedValues(self.link)
        self.limiter: RateLimiter = RedisRateLimiter(self.link, settings.rate_limit_without_redis)

    @classmethod
    def of(cls, settings: Settings) -> "SharedState | None":
        return None if settings.redis_url is None else cls(settings.redis_url, settings)

    def share_caches(self, caches: SharedCaches) -> None:
        """Each cache gets its second level, named after its field; other replicas' invalidations drop keys."""
        hints = typing.get_type_hints(SharedCaches)
        for field in dataclasses.fields(caches):
            cache: KeyedCache[Any, Any] = getattr(caches, field.name)
            _, value_type = typing.get_args(hints[field.name])
            second: SharedKeyed[Any, Any] = SharedKeyed(self.link, self.bus, field.name, value_type)
            cache.share(second)
            self.bus.on(second.topic, _dropping(cache))

    def share_responses(self, responses: ResponseCache) -> None:
        responses.on_written(lambda: self.bus.publish("responses", None))
        self.bus.on("responses", lambda _: responses.outdate())

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Subscribed and watching Redis while the application runs; closed after."""
        tasks = [asyncio.create_task(self.link.watch()), asyncio.create_task(self.bus.listen())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.link.close()


def _dropping(cache: KeyedCache[Any, Any]) -> Callable[[Any], None]:
    """What another replica's invalidation of `cache` does here: its keys, as published, dropped."""
    return lambda keys: cache.drop([key_of(k) for k in keys])
