"""Load for the floor, which runs in this process: `concurrency` workers cycling through the draws for a while."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from itertools import count
from typing import Any

from .cells import Cell, percentiles
from .draws import Draw


async def drive(call: Callable[[Draw], Awaitable[Any]], draws: list[Draw], concurrency: int,
                duration_s: float | None, amount: int | None) -> Cell:
    """Each worker sends its next draw once its previous one is answered, until the time or the amount is spent."""
    tickets = count()
    samples: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + duration_s if duration_s is not None else float("inf")

    async def worker() -> None:
        for n in tickets:
            if time.perf_counter() >= deadline or (amount is not None and n >= amount):
                return
            sent = time.perf_counter()
            try:
                await call(draws[n % len(draws)])
            except Exception as exc:
                errors.append(repr(exc))
                continue
            samples.append((time.perf_counter() - sent) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    p50, p95, p99 = percentiles(samples)
    return Cell(concurrency, len(samples), elapsed, p50, p95, p99, len(errors),
                first_error=errors[0] if errors else None)
