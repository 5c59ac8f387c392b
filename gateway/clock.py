"""The gateway's one source of "now", set once per request: tests pass their own to move time without sleeping."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def seconds(clock: Clock) -> Callable[[], float]:
    """`clock` as seconds since the epoch, for what measures ages (the caches)."""
    return lambda: clock().timestamp()
