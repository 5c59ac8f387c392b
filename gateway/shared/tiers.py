"""The second level of the reference-data caches: the same entries in Redis, for every replica.

Each entry is stored as JSON (`codec.py`) with the wall-clock time it was fetched and expires in Redis with
its TTL, so a replica reading it knows its age and keeps it no longer than the replica that fetched it would.
A key missing in one process is asked of Redis before the back office. Concurrent misses on several
replicas may each make one call (single flight holds within a process; no lock across replicas: a lock would
put Redis on the path of every miss, and N replicas make at most N calls per key and TTL).
"""

import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from redis.asyncio import Redis

from .bus import Bus
from .codec import decode, encode
from .link import RedisLink, Unavailable

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class SharedKeyed(Generic[K, V]):
    """Under one `KeyedCache`: entries by key in Redis, and its invalidations published on the bus."""

    def __init__(self, link: RedisLink, bus: Bus, name: str, value_type: Any) -> None:
        self._link, self._bus = link, bus
        self.topic = f"cache:{name}"
        self._prefix = f"{link.prefix}cache:{name}:"
        self._value_type = value_type

    async def get_many(self, keys: Sequence[K]) -> dict[K, tuple[V, float]]:
        """The keys Redis holds, each with its age in seconds; nothing when Redis is unavailable."""
        names = [self._name(k) for k in keys]
        try:
            stored = await self._link.call(lambda redis: redis.mget(names))
        except Unavailable:
            return {}
        found: dict[K, tuple[V, float]] = {}
        for key, text in zip(keys, stored, strict=True):
            if text is not None and (entry := _read(text, self._value_type)) is not None:
                found[key] = entry
        return found

    def put_many(self, values: Mapping[K, V], ttl_s: float) -> None:
        texts = {self._name(k): _written(v) for k, v in values.items()}
        milliseconds = max(1, int(ttl_s * 1000))

        async def store(redis: Redis) -> None:
            async with redis.pipeline(transaction=False) as pipe:
                for name, text in texts.items():
                    pipe.set(name, text, px=milliseconds)
                await pipe.execute()
        self._link.spawn(store)

    def invalidate(self, keys: Sequence[K]) -> None:
        """Deleted from Redis, then every other replica told to drop them."""
        names = [self._name(k) for k in keys]
        message = self._bus.message(self.topic, [encode(k) for k in keys])

        async def drop(redis: Redis) -> None:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.delete(*names)
                pipe.publish(self._bus.channel, message)
                await pipe.execute()
        self._link.spawn(drop)

    def _name(self, key: K) -> str:
        return self._prefix + json.dumps(encode(key), separators=(",", ":"))


class SharedValues:
    """Whole values (the store directory, the catalog's keys) loaded once for every replica."""

    def __init__(self, link: RedisLink) -> None:
        self._link = link

    async def through(self, name: str, value_type: Any, ttl_s: float, load: Callable[[], Awaitable[T]]) \
            -> tuple[T, float]:
        """Redis's copy and its age, or `load()`'s answer (then stored for `ttl_s`) and 0."""
        key = f"{self._link.prefix}value:{name}"
        try:
            text = await self._link.call(lambda redis: redis.get(key))
        except Unavailable:
            text = None
        if text is not None and (entry := _read(text, value_type)) is not None and entry[1] < ttl_s:
            return entry
        value = await load()
        written, milliseconds = _written(value), max(1, int(ttl_s * 1000))
        self._link.spawn(lambda redis: redis.set(key, written, px=milliseconds))
        return value, 0.0

    def forget(self, name: str) -> None:
        """Redis's copy is out of date (the system said so): the next `through` loads it again."""
        key = f"{self._link.prefix}value:{name}"
        self._link.spawn(lambda redis: redis.delete(key))


def key_of(data: Any) -> Any:
    """A key as published (JSON) back to the cache's own: lists were tuples, as (GTIN, store code)."""
    return tuple(data) if isinstance(data, list) else data


def _written(value: object) -> str:
    return json.dumps({"at": time.time(), "v": encode(value)}, separators=(",", ":"))


def _read(text: bytes | str, value_type: Any) -> tuple[Any, float] | None:
    """The value and its age; None for text this version cannot read (treated as a miss)."""
    try:
        entry = json.loads(text)
        return decode(entry["v"], value_type), max(0.0, time.time() - float(entry["at"]))
    except (ValueError, KeyError, TypeError):
        return None
