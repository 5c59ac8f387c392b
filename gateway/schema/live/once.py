"""One read per event for all its subscribers: the record an event names (an appointment, a hold, a stock figure)
is read once, by the first subscriber to get to it, and each subscriber then applies its own rules to that record
(who may see it, which fields). Ten staff screens following one store cost the back office one read, not ten.

Keyed by the event object the hub hands every stream, and forgotten with it. The read is a task of its own, so
a subscriber that leaves meanwhile does not cancel it for the others."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from ...live import LiveEvent

T = TypeVar("T")
_READS: "WeakKeyDictionary[LiveEvent, dict[Hashable, asyncio.Future[Any]]]" = WeakKeyDictionary()


async def read_once(event: LiveEvent, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
    """`read()`'s answer (or error) for this event and `key`, the same for every subscriber of the event."""
    reads = _READS.setdefault(event, {})
    found = reads.get(key)
    if found is None:
        found = reads[key] = asyncio.ensure_future(read())
        found.add_done_callback(_seen)
    answer: T = await asyncio.shield(found)
    return answer


def _seen(future: "asyncio.Future[Any]") -> None:
    """Its error is each subscriber's to report; one nobody awaits any more is not an unretrieved exception."""
    if not future.cancelled():
        future.exception()
