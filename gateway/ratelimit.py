"""Per-principal rate limits: token buckets behind a one-method interface.

The in-process limiter counts per gateway instance; a shared store (Redis, say) can replace it
behind `RateLimiter` when several instances must share one budget.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cachetools import TLRUCache

from .auth.principals import Role

DEFAULT_RATE_LIMITS = "anonymous=50/s,customer=20/s,kiosk=50/s,partner=100/s,staff=0"
_SECONDS = {"s": 1.0, "m": 60.0}  # unit -> seconds in it
_ROLES = tuple(role.value for role in Role)


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: float  # tokens a full bucket holds: how many requests may arrive at once

    def __post_init__(self) -> None:
        if not (0 < self.per_second < math.inf and 1 <= self.burst < math.inf):
            raise ValueError(f"a rate needs per_second > 0 and burst >= 1, got {self}")


class RateLimiter(Protocol):
    async def acquire(self, key: str, rate: Rate) -> float | None:
        """Takes one token from `key`'s bucket: None when allowed, else seconds until one is available."""
        ...


def parse_rate_limits(text: str) -> dict[str, Rate | None]:
    """Parses "role=N/s,role=N/m,role=0" (0: unlimited, None); roles not named keep their default.

    Raises ValueError naming the item that is malformed, names an unknown role, or repeats one.
    """
    return {**_parse_items(DEFAULT_RATE_LIMITS), **_parse_items(text)}


def _parse_items(text: str) -> dict[str, Rate | None]:
    rates: dict[str, Rate | None] = {}
    for item in (item.strip() for item in text.split(",")) if text.strip() else ():
        role, _, value = (part.strip() for part in item.partition("="))
        if role not in _ROLES:
            raise ValueError(f"rate limit {item!r}: unknown role {role!r}, expected one of {', '.join(_ROLES)}")
        if role in rates:
            raise ValueError(f"rate limit {item!r}: {role} is already set")
        rates[role] = _rate(item, value)
    return rates


def _rate(item: str, value: str) -> Rate | None:
    count, _, unit = (part.strip() for part in value.partition("/"))
    number = _non_negative(count)
    if number == 0 and unit in ("", *_SECONDS):
        return None
    if number is None or unit not in _SECONDS:
        raise ValueError(f"rate limit {item!r}: expected N/s, N/m or 0 (unlimited)")
    per_second = number / _SECONDS[unit]
    return Rate(per_second=per_second, burst=max(per_second, 1.0))  # one second's worth at once


def _non_negative(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


@dataclass(frozen=True)
class _Bucket:
    tokens: float
    at: float  # clock reading when `tokens` was computed
    full_at: float  # when the bucket will be full again: from then on it is as good as forgotten


class InProcessRateLimiter:
    """Token buckets per key in a bounded cache.

    A bucket is evicted once it would have refilled, which changes nothing for its key, so idle
    keys cost no memory. At `max_keys` busy keys the least recently used is dropped (forgiven).
    """

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: TLRUCache[str, _Bucket] = TLRUCache(maxsize=max_keys, ttu=_full_at, timer=clock)

    async def acquire(self, key: str, rate: Rate) -> float | None:
        now = self._clock()
        bucket = self._buckets.get(key)
        tokens = rate.burst if bucket is None else min(rate.burst, bucket.tokens + (now - bucket.at) * rate.per_second)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        self._buckets[key] = _Bucket(tokens, now, now + (rate.burst - tokens) / rate.per_second)
        return None if allowed else (1 - tokens) / rate.per_second


def _full_at(_key: str, bucket: _Bucket, _now: float) -> float:
    return bucket.full_at
