"""One deadline per GraphQL request, carried to every upstream call through a contextvar.

The gateway sets it when a request starts (`deadline_in`); the upstream client reads what is left
(`remaining`) to cap each call's timeout, each retry's wait and each wait for a bulkhead slot. A
contextvar rather than a parameter: the deadline must reach the client through loaders, ports and
adapters that have no reason to know about it, and asyncio copies the context into every task a
request starts, so concurrent batches share their request's deadline.

Work that belongs to no request (warming, sweeps, the undo journal) starts outside any request, so it
runs with no deadline: only the per-system timeouts bound it. A load shared by concurrent requests
(single flight) is started with `shared`, without the deadline of the request that happened to start it
(a client asking for 100 ms must not fail everyone else's wait), and each request waits for it with
`wait_shared`, no longer than its own deadline allows; the load goes on for the others.
"""

import asyncio
import contextvars
import time
from collections.abc import Awaitable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from ..errors import DeadlineExceeded

T = TypeVar("T")

# The request's deadline as a time.monotonic() instant; None outside any request.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("omnigate_deadline", default=None)


def remaining() -> float | None:
    """Seconds left before the current request's deadline (may be negative); None without a deadline."""
    deadline = DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def deadline_in(seconds: float) -> Iterator[None]:
    """Code inside must finish within `seconds`; a deadline already set and sooner is kept."""
    deadline = time.monotonic() + seconds
    current = DEADLINE.get()
    token = DEADLINE.set(deadline if current is None else min(current, deadline))
    try:
        yield
    finally:
        DEADLINE.reset(token)


def shared(coroutine: Coroutine[Any, Any, T]) -> "asyncio.Task[T]":
    """A task for a load other requests will wait on too: it runs without the current request's deadline."""
    context = contextvars.copy_context()
    context.run(DEADLINE.set, None)
    return asyncio.get_running_loop().create_task(coroutine, context=context)


async def wait_shared(load: Awaitable[T], system: str) -> T:
    """`load` (a `shared` task, or a gather of them), waited for within this request's deadline only; the load
    itself is not cancelled when this request gives up on it."""
    future = asyncio.ensure_future(load)
    left = remaining()
    if left is None:
        return await future
    try:
        async with asyncio.timeout(max(0.0, left)):
            return await asyncio.shield(future)
    except TimeoutError:
        future.add_done_callback(_retrieved)  # its outcome is for the requests still waiting, if any
        raise DeadlineExceeded(system, "no answer within the request's deadline (a shared load)", max(0.0, left)) \
            from None


def _retrieved(future: "asyncio.Future[Any]") -> None:
    """Marks a failure as seen, so asyncio does not log it as never retrieved."""
    if not future.cancelled():
        future.exception()
