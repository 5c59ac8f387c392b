"""One deadline per GraphQL request, carried to every upstream call through a contextvar.

The gateway sets it when a request starts (`deadline_in`); the upstream client reads what is left
(`remaining`) to cap each call's timeout, each retry's wait and each wait for a bulkhead slot. A
contextvar rather than a parameter: the deadline must reach the client through loaders, ports and
adapters that have no reason to know about it, and asyncio copies the context into every task a
request starts, so concurrent batches share their request's deadline.

Work that belongs to no request (warming, sweeps, the undo journal) starts outside any request, so it
runs with no deadline: only the per-system timeouts bound it. A load shared by concurrent requests
(single flight) runs under the deadline of the request that started it.
"""

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager

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

