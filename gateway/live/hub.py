"""One place where changes are told: handlers (cache invalidation, the availability index) run first, in order,
then every open stream whose filter matches gets the event.

Published here, an event also goes to every replica through Redis (when `OMNIGATE_REDIS_URL` is set), where
the same handlers and streams get it; without Redis it stays in this process. A stream is bounded: a consumer
that stops reading is ended with `SlowConsumer` rather than buffered without bound.
"""

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from ..shared.bus import Bus
from .events import LiveEvent, decode, encode

TOPIC = "live"
Handler = Callable[[LiveEvent], None]
Match = Callable[[LiveEvent], bool]
log = logging.getLogger("omnigate.live")


class SlowConsumer(Exception):
    """The stream's buffer filled: its reader fell too far behind and is let go."""


class Stream:
    """The events one listener gets, in the order they were told."""

    def __init__(self, match: Match, capacity: int) -> None:
        self.match = match
        self._capacity = capacity
        self._pending: deque[LiveEvent] = deque()
        self._wake = asyncio.Event()
        self._end: SlowConsumer | StopAsyncIteration | None = None

    def offer(self, event: LiveEvent) -> None:
        if self._end is not None:
            return
        if len(self._pending) >= self._capacity:
            self._pending.clear()
            self._finish(SlowConsumer("the subscriber read too slowly and was let go"))
            return
        self._pending.append(event)
        self._wake.set()

    def close(self) -> None:
        """Ends the stream after what it holds: the server is shutting down."""
        if self._end is None:
            self._finish(StopAsyncIteration())

    def _finish(self, end: SlowConsumer | StopAsyncIteration) -> None:
        self._end = end
        self._wake.set()

    def __aiter__(self) -> "Stream":
        return self

    async def __anext__(self) -> LiveEvent:
        while not self._pending:
            if self._end is not None:
                raise self._end
            self._wake.clear()
            await self._wake.wait()
        return self._pending.popleft()


class LiveHub:
    def __init__(self, bus: Bus | None = None, capacity: int = 100) -> None:
        self._bus = bus
        self._capacity = capacity
        self._handlers: list[Handler] = []
        self._streams: set[Stream] = set()
        if bus is not None:
            bus.on(TOPIC, self._from_replica)

    def on_change(self, handler: Handler) -> None:
        """`handler(event)` runs for every event, from this process or another replica, before any stream."""
        self._handlers.append(handler)

    def publish(self, event: LiveEvent) -> None:
        """Told here at once, and to the other replicas."""
        self._tell(event)
        if self._bus is not None:
            self._bus.publish(TOPIC, encode(event))

    @asynccontextmanager
    async def stream(self, match: Match, capacity: int | None = None) -> AsyncIterator[Stream]:
        """The events `match` accepts from now on, while the block runs."""
        stream = Stream(match, capacity or self._capacity)
        self._streams.add(stream)
        try:
            yield stream
        finally:
            self._streams.discard(stream)

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    def close(self) -> None:
        """Every stream ends after what it holds (SIGTERM: subscriptions complete cleanly)."""
        for stream in self._streams:
            stream.close()

    def _tell(self, event: LiveEvent) -> None:
        for handler in self._handlers:
            try:
                handler(event)
            except Exception:  # one listener's defect must not keep the event from the others
                log.exception("a live-event handler failed on %s", type(event).__name__)
        for stream in list(self._streams):
            if stream.match(event):
                stream.offer(event)

    def _from_replica(self, data: Any) -> None:
        try:
            event = decode(data)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("ignored a live event from another replica: %s", error)
            return
        self._tell(event)
