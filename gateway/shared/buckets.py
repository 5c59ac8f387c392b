"""Rate-limit buckets every replica draws from: one atomic Lua script per request, the in-process semantics.

The script refills the bucket from the time elapsed (Redis's own clock, so replicas' clocks need not agree),
takes a token when one is there, and lets the key expire once the bucket would be full again, as the
in-process limiter forgets it. redis-py's `Script` sends it with EVALSHA, loading it once (and again after a
Redis restart, which forgets scripts). While Redis is down, `OMNIGATE_RATE_LIMIT_WITHOUT_REDIS` decides.
"""

from typing import Literal

from ..ratelimit import InProcessRateLimiter, Rate
from .link import RedisLink, Unavailable

REFUSED_WITHOUT_REDIS_S = 1.0  # the wait announced when limits fail closed

TOKEN_BUCKET = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if bucket[1] then
  tokens = math.min(burst, tonumber(bucket[1]) + math.max(0, now - tonumber(bucket[2])) * rate)
end
local allowed = tokens >= 1
if allowed then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1)
if allowed then return false end
return tostring((1 - tokens) / rate)
"""


class RedisRateLimiter:
    """`RateLimiter` over Redis; `without_redis`: `open` counts in this process, `closed` refuses."""

    def __init__(self, link: RedisLink, without_redis: Literal["open", "closed"],
                 in_process: InProcessRateLimiter | None = None) -> None:
        self._link = link
        self._script = link.client.register_script(TOKEN_BUCKET)
        self._prefix = f"{link.prefix}rate:"
        self._without_redis = without_redis
        self._in_process = in_process or InProcessRateLimiter()

    async def acquire(self, key: str, rate: Rate) -> float | None:
        try:
            wait = await self._link.call(
                lambda _: self._script(keys=[self._prefix + key], args=[repr(rate.per_second), repr(rate.burst)]))
        except Unavailable:
            if self._without_redis == "closed":
                return REFUSED_WITHOUT_REDIS_S
            return await self._in_process.acquire(key, rate)
        return None if wait is None else float(wait)
