"""The resilience parts one by one, on a hand-moved clock: window, backoff, Retry-After, retry budget, breaker,
bulkhead, deadline. The client that composes them is tested over HTTP in test_http_client.py."""

import asyncio
import gc
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from connectors.errors import (
    ConnectorError,
    DeadlineExceeded,
    RateLimited,
    UpstreamMalformed,
    UpstreamNotFound,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.resilience import deadline
from connectors.resilience.breaker import BreakerState, CircuitBreaker
from connectors.resilience.bulkhead import Bulkhead, BulkheadFull
from connectors.resilience.policy import BreakerPolicy, RetryBudgetPolicy, RetryPolicy
from connectors.resilience.retry import RetryBudget, backoff_s, is_retryable, parse_retry_after
from connectors.resilience.window import SlidingWindow

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


class ManualClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_forgets_what_is_older_than_it() -> None:
    clock = ManualClock()
    window = SlidingWindow(10.0, clock)
    window.add("calls", 3)
    clock.now += 5
    window.add("calls")
    assert window.count("calls") == 4
    clock.now += 6  # the first three are 11 s old
    assert (window.count("calls"), window.count("failures")) == (1, 0)
    clock.now += 10
    assert window.count("calls") == 0


@pytest.mark.parametrize("retry", [0, 1, 2, 5, 10])
def test_full_jitter_stays_between_zero_and_the_capped_exponential(retry: int) -> None:
    policy = RetryPolicy(backoff_s=0.05, max_backoff_s=1.0)
    rng = random.Random(7)
    ceiling = min(1.0, 0.05 * 2**retry)
    waits = [backoff_s(policy, retry, rng) for _ in range(2000)]
    assert all(0.0 <= w <= ceiling for w in waits)
    assert 0.4 * ceiling < sum(waits) / len(waits) < 0.6 * ceiling  # uniform: spread over the whole range
    assert min(waits) < 0.05 * ceiling and max(waits) > 0.95 * ceiling


@pytest.mark.parametrize(("value", "seconds"), [
    ("3", 3.0), (" 120 ", 120.0), ("0", 0.0),
    (format_datetime(NOW + timedelta(seconds=5), usegmt=True), 5.0),
    (format_datetime(NOW - timedelta(seconds=5), usegmt=True), 0.0),  # already past: at once
    ("Sun, 06 Dec 2026 03:00:07 GMT", 7.0),
    (None, None), ("", None), ("soon", None), ("-1", None), ("1.5", None),
])
def test_retry_after_is_seconds_or_an_http_date(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(("error", "retried"), [
    (UpstreamUnavailable("pos", "ClientConnectorError: refused"), True),  # no answer at all
    (UpstreamUnavailable("pos", "HTTP 500", 500), True),
    (UpstreamUnavailable("pos", "HTTP 502", 502), True),
    (UpstreamUnavailable("pos", "HTTP 503", 503), True),
    (UpstreamUnavailable("pos", "HTTP 504", 504), True),
    (RateLimited("pos", "HTTP 429", 429), True),
    (UpstreamUnavailable("pos", "HTTP 501", 501), False),
    (UpstreamTimeout("pos", "no answer within 2s"), False),
    (RateLimited("crm", "REQUEST_LIMIT_EXCEEDED", 403), False),  # a vendor's "stop": the breaker's business
    (UpstreamRejected("pos", "HTTP 400", 400), False),
    (UpstreamNotFound("pos", "HTTP 404", 404), False),
    (UpstreamMalformed("pos", "unknown state"), False),
])
def test_what_is_retried(error: ConnectorError, retried: bool) -> None:
    assert is_retryable(error) is retried


def test_the_retry_budget_pays_a_share_of_the_calls_over_its_window() -> None:
    clock = ManualClock()
    budget = RetryBudget(RetryBudgetPolicy(ratio=0.2, min_per_s=0.0, window_s=10.0), clock)
    for _ in range(10):
        budget.record_call()
    assert [budget.try_spend() for _ in range(3)] == [True, True, False]
    clock.now += 11  # calls and retries have left the window
    assert not budget.try_spend()
    for _ in range(5):
        budget.record_call()
    assert [budget.try_spend() for _ in range(2)] == [True, False]


def test_the_retry_budget_has_a_floor_for_quiet_systems() -> None:
    budget = RetryBudget(RetryBudgetPolicy(ratio=0.2, min_per_s=0.5, window_s=10.0), ManualClock())
    budget.record_call()
    assert sum(budget.try_spend() for _ in range(10)) == 5  # 0.5/s over 10 s, and 20% of one call rounds to none
    assert budget.retries_in_window == 5


def state(b: CircuitBreaker) -> BreakerState:
    """Read afresh each time: the state moves with the clock and the calls, which mypy cannot see."""
    return b.state


def breaker(clock: ManualClock) -> CircuitBreaker:
    return CircuitBreaker(BreakerPolicy(failure_share=0.5, min_calls=20, window_s=10.0, open_s=2.0, probes=3), clock)


def test_the_breaker_waits_for_enough_calls_then_opens_on_half_failing() -> None:
    b = breaker(ManualClock())
    for _ in range(19):
        b.record(False)
    assert state(b) is BreakerState.CLOSED, "19 calls are too few to judge"
    b.record(False)
    assert state(b) is BreakerState.OPEN
    assert not b.allow()


def test_the_breaker_stays_closed_below_the_share() -> None:
    b = breaker(ManualClock())
    rng = random.Random(3)
    outcomes = [rng.random() >= 0.4 for _ in range(500)]  # 40% failures
    for ok in outcomes:
        b.record(ok)
    assert state(b) is BreakerState.CLOSED
    assert b.counts()[0] == 500


def test_failures_leave_the_window() -> None:
    clock = ManualClock()
    b = breaker(clock)
    for _ in range(12):
        b.record(False)
    clock.now += 11
    for _ in range(8):
        b.record(False)
    for _ in range(12):
        b.record(True)
    assert state(b) is BreakerState.CLOSED  # 8 of 20 in the window


def test_half_open_lets_a_few_probes_through_and_closes_on_their_success() -> None:
    clock = ManualClock()
    b = breaker(clock)
    b.trip()
    clock.now += 1.9
    assert not b.allow()
    clock.now += 0.2
    assert [b.allow() for _ in range(4)] == [True, True, True, False]
    b.record(True)
    b.record(True)
    assert state(b) is BreakerState.HALF_OPEN
    b.record(True)
    assert state(b) is BreakerState.CLOSED
    assert b.counts() == (0, 0), "a fresh window after closing"


def test_a_failed_probe_opens_it_again_for_a_whole_wait() -> None:
    clock = ManualClock()
    b = breaker(clock)
    b.trip()
    clock.now += 2
    assert b.allow()
    b.record(False)
    assert state(b) is BreakerState.OPEN
    clock.now += 1.9
    assert not b.allow()


def test_a_released_probe_frees_its_place() -> None:
    clock = ManualClock()
    b = breaker(clock)
    b.trip()
    clock.now += 2
    assert all(b.allow() for _ in range(3)) and not b.allow()
    b.release()
    assert b.allow()


async def test_the_bulkhead_queues_within_the_wait_then_refuses() -> None:
    bulkhead = Bulkhead(1)
    held = asyncio.Event()
    done = asyncio.Event()

    async def hold() -> None:
        async with bulkhead.slot(None):
            held.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await held.wait()
    assert (bulkhead.in_use, bulkhead.waiting) == (1, 0)
    with pytest.raises(BulkheadFull):
        async with bulkhead.slot(0):
            pass
    waiter = asyncio.create_task(_enter(bulkhead, 0.05))
    await asyncio.sleep(0.01)
    assert bulkhead.waiting == 1
    with pytest.raises(BulkheadFull):
        await waiter
    later = asyncio.create_task(_enter(bulkhead, 1.0))
    await asyncio.sleep(0.01)
    done.set()
    await asyncio.gather(holder, later)
    assert (bulkhead.in_use, bulkhead.waiting) == (0, 0)


async def _enter(bulkhead: Bulkhead, wait_s: float) -> None:
    async with bulkhead.slot(wait_s):
        pass


def test_a_deadline_inside_another_keeps_the_sooner() -> None:
    assert deadline.remaining() is None
    with deadline.deadline_in(1.0):
        with deadline.deadline_in(5.0):
            left = deadline.remaining()
            assert left is not None and left <= 1.0
        with deadline.deadline_in(0.1):
            left = deadline.remaining()
            assert left is not None and left <= 0.1
    assert deadline.remaining() is None


async def test_tasks_a_request_starts_share_its_deadline() -> None:
    async def left() -> float | None:
        return deadline.remaining()

    with deadline.deadline_in(0.5):
        inner = await asyncio.create_task(left())
    assert inner is not None and 0 < inner <= 0.5
    started = time.monotonic()
    assert await asyncio.create_task(left()) is None
    assert time.monotonic() - started < 0.5


async def test_a_shared_load_outlives_the_short_deadline_of_the_request_that_started_it() -> None:
    seen: list[float | None] = []

    async def load() -> str:
        seen.append(deadline.remaining())
        await asyncio.sleep(0.3)
        return "rows"

    # given a request with 50 ms left that starts a load others share
    with deadline.deadline_in(0.05):
        task = deadline.shared(load())
        started = time.monotonic()
        # when it waits for it, then it gives up at its own deadline
        with pytest.raises(DeadlineExceeded, match="shared load"):
            await deadline.wait_shared(task, "pos")
        assert time.monotonic() - started < 0.25
    # and the load, run without that deadline, still answers the requests that wait longer
    with deadline.deadline_in(1.0):
        assert await deadline.wait_shared(task, "pos") == "rows"
    assert seen == [None]


async def test_a_shared_load_failing_after_its_waiter_left_is_not_logged_as_unretrieved(
        caplog: pytest.LogCaptureFixture) -> None:
    async def load() -> str:
        await asyncio.sleep(0.05)
        raise UpstreamUnavailable("pos", "HTTP 503", 503)

    with deadline.deadline_in(0.01), pytest.raises(DeadlineExceeded):
        await deadline.wait_shared(asyncio.gather(deadline.shared(load())), "pos")
    await asyncio.sleep(0.1)
    gc.collect()
    assert "never retrieved" not in caplog.text
