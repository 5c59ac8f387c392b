"""The shared upstream client over real HTTP: headers handed back, rate limits, vendor classification, the breaker.

A stub application on 127.0.0.1 gives the answers; every test counts how often it was hit,
because "not retried" and "breaker open" are claims about calls that did not happen.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from connectors.errors import (
    ConnectorError,
    RateLimited,
    UpstreamAuthFailed,
    UpstreamNotFound,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.http import CircuitBreaker, Classifier, RetryPolicy, UpstreamClient, error_for_status
from connectors.resilience.breaker import BreakerState
from connectors.resilience.deadline import deadline_in
from connectors.resilience.policy import BreakerPolicy, Resilience

VENDOR_LIMIT = {"code": "rate_limit_exceeded", "message": "come back later"}
FORBIDDEN = {"code": "forbidden", "message": "not for you"}
ROWS = [{"id": 1}, {"id": 2}]
REFUSALS = {400: "/bad-request", 401: "/unauthorized", 403: "/refused", 404: "/missing", 409: "/conflict",
            413: "/too-large", 422: "/unprocessable"}
THRESHOLD = 5  # the breaker's minimum calls: five failures in a row open it, as any share of 50% or more would

Connect = Callable[[Classifier | None], UpstreamClient]
Handler = Callable[[web.Request], Awaitable[web.Response]]


def vendor_classify(status: int, body: Any) -> type[ConnectorError] | None:
    """A vendor that signals its rate limit as a 403 with its own code."""
    return RateLimited if status == 403 and body.get("code") == VENDOR_LIMIT["code"] else None


def retry_429(status: int, body: Any) -> type[ConnectorError] | None:
    """A vendor whose documentation says to retry a 429 with backoff."""
    return UpstreamUnavailable if status == 429 else None


def read_message(status: int, body: Any) -> str:
    return f"HTTP {status} {body.get('message')}"


@pytest.fixture
def hits() -> Counter[str]:
    return Counter()


@pytest.fixture
async def base_url(aiohttp_server: AiohttpServer, hits: Counter[str]) -> str:
    def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Handler:
        async def handle(request: web.Request) -> web.Response:
            hits[request.path] += 1
            return web.json_response(body, status=status, headers=headers)
        return handle

    app = web.Application()
    app.router.add_get("/rows", answer(200, ROWS, {"X-WP-TotalPages": "7"}))
    app.router.add_get("/limited", answer(429, {"message": "slow down"}))
    app.router.add_get("/limited-briefly", answer(429, {"message": "slow down"}, {"Retry-After": "0"}))
    app.router.add_get("/limited-long", answer(429, {"message": "slow down"}, {"Retry-After": "30"}))
    app.router.add_get("/vendor-limit", answer(403, VENDOR_LIMIT))
    app.router.add_get("/forbidden", answer(403, FORBIDDEN))
    app.router.add_get("/unavailable", answer(503, {"message": "maintenance"}))
    for status, path in REFUSALS.items():
        app.router.add_get(path, answer(status, {"message": "no"}))

    async def hang(request: web.Request) -> web.Response:
        hits[request.path] += 1
        await asyncio.sleep(5)
        return web.json_response({})

    app.router.add_get("/hang", hang)
    server = await aiohttp_server(app)
    return str(server.make_url(""))


class ManualClock:
    """The breaker's clock, moved by hand: half-open is reached without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker_of(clock: ManualClock | None = None, probes: int = 1) -> CircuitBreaker:
    policy = BreakerPolicy(min_calls=THRESHOLD, open_s=60.0, probes=probes)
    return CircuitBreaker(policy, clock) if clock else CircuitBreaker(policy)


@pytest.fixture
def connect(base_url: str, session: aiohttp.ClientSession) -> Connect:
    """A client with three attempts, no backoff and a breaker that stays open for the whole test."""
    def client(classify: Classifier | None) -> UpstreamClient:
        return UpstreamClient("shop", base_url, session, read_error=read_message, classify=classify,
                              retry=RetryPolicy(attempts=3, backoff_s=0.0),
                              breaker=breaker_of())
    return client


async def expect_open(client: UpstreamClient, path: str, hits: Counter[str]) -> None:
    """The breaker is open: the next call fails without reaching the server."""
    before = hits[path]
    with pytest.raises(UpstreamUnavailable, match="breaker open"):
        await client.request("GET", path)
    assert hits[path] == before


async def test_request_with_headers_hands_back_body_and_headers(connect: Connect) -> None:
    client = connect(None)

    reply = await client.request_with_headers("GET", "/rows")

    assert reply.body == ROWS
    assert reply.headers["x-wp-totalpages"] == "7"
    assert await client.request("GET", "/rows") == ROWS


async def test_a_429_is_retried_and_counts_as_a_failure_without_opening_at_once(connect: Connect,
                                                                               hits: Counter[str]) -> None:
    client = connect(None)

    with pytest.raises(RateLimited) as raised:
        await client.request("GET", "/limited-briefly")

    assert (raised.value.system, raised.value.status, str(raised.value)) == ("shop", 429, "shop: HTTP 429 slow down")
    assert raised.value.retry_after_s == 0.0
    assert hits["/limited-briefly"] == 3
    assert client.breaker.state is BreakerState.CLOSED
    assert await client.request("GET", "/rows") == ROWS


async def test_a_429_asking_for_more_than_the_deadline_leaves_is_not_retried(connect: Connect,
                                                                             hits: Counter[str]) -> None:
    client = connect(None)

    with deadline_in(2.0), pytest.raises(RateLimited):
        await client.request("GET", "/limited-long")

    assert hits["/limited-long"] == 1


async def test_classify_is_asked_before_the_status_table(connect: Connect, hits: Counter[str]) -> None:
    client = connect(vendor_classify)

    with pytest.raises(RateLimited) as limited:
        await client.request("GET", "/vendor-limit")

    assert (limited.value.status, hits["/vendor-limit"]) == (403, 1)
    await expect_open(client, "/vendor-limit", hits)


async def test_what_classify_leaves_alone_goes_by_the_status_table(connect: Connect) -> None:
    client = connect(vendor_classify)

    with pytest.raises(UpstreamAuthFailed):
        await client.request("GET", "/forbidden")

    assert await client.request("GET", "/rows") == ROWS, "a refusal does not open the breaker"


async def test_classify_can_keep_a_429_retryable(connect: Connect, hits: Counter[str]) -> None:
    client = connect(retry_429)

    with pytest.raises(UpstreamUnavailable) as raised:
        await client.request("GET", "/limited")

    assert not isinstance(raised.value, RateLimited)
    assert hits["/limited"] == 3


@pytest.mark.parametrize(("status", "kind"), [
    (400, UpstreamRejected), (401, UpstreamAuthFailed), (403, UpstreamAuthFailed), (404, UpstreamNotFound),
    (409, UpstreamRejected), (429, RateLimited), (500, UpstreamUnavailable), (503, UpstreamUnavailable),
])
def test_the_status_table(status: int, kind: type[ConnectorError]) -> None:
    error = error_for_status("shop", status, {"message": "no"}, read_message)

    assert type(error) is kind
    assert (error.system, error.status, str(error)) == ("shop", status, f"shop: HTTP {status} no")


def test_classify_overrides_the_table_and_none_defers_to_it() -> None:
    limited = error_for_status("shop", 403, VENDOR_LIMIT, read_message, classify=vendor_classify)
    forbidden = error_for_status("shop", 403, FORBIDDEN, read_message, classify=vendor_classify)

    assert (type(limited), type(forbidden)) == (RateLimited, UpstreamAuthFailed)


def test_a_tripped_breaker_is_open_until_its_wait_then_half_open() -> None:
    clock = ManualClock()
    breaker = breaker_of(clock)

    breaker.trip()

    assert not breaker.allow()
    clock.now += 60
    waited = breaker.state
    assert breaker.allow() and not breaker.allow(), "one probe at a time"
    breaker.record(True)
    assert (waited, breaker.state) == (BreakerState.HALF_OPEN, BreakerState.CLOSED)


async def test_a_read_that_fails_transiently_is_retried(connect: Connect, hits: Counter[str]) -> None:
    with pytest.raises(UpstreamUnavailable):
        await connect(None).request("GET", "/unavailable")
    assert hits["/unavailable"] == 3


async def test_a_timeout_is_not_retried(base_url: str, session: aiohttp.ClientSession, hits: Counter[str]) -> None:
    """A hung system already cost the caller the whole timeout; trying again would triple the wait."""
    client = UpstreamClient("shop", base_url, session, timeout_s=0.2, retry=RetryPolicy(attempts=3, backoff_s=0.0))
    with pytest.raises(UpstreamTimeout):
        await client.request("GET", "/hang")
    assert hits["/hang"] == 1


def single_shot(base_url: str, session: aiohttp.ClientSession, clock: ManualClock | None = None) -> UpstreamClient:
    """One attempt a call, so each failing call is exactly one failure for the breaker."""
    return UpstreamClient("shop", base_url, session, read_error=read_message, retry=RetryPolicy(attempts=1),
                          breaker=breaker_of(clock))


@pytest.mark.parametrize(("status", "path"), REFUSALS.items())
async def test_refusals_are_answers_that_never_open_the_breaker(connect: Connect, hits: Counter[str],
                                                                status: int, path: str) -> None:
    client = connect(None)
    # when the system refuses twice the threshold's worth of calls
    for _ in range(2 * THRESHOLD):
        with pytest.raises(UpstreamRejected) as refused:
            await client.request("GET", path)
        assert refused.value.status == status
    # then none was retried and the system is still called
    assert hits[path] == 2 * THRESHOLD
    assert await client.request("GET", "/rows") == ROWS


async def test_refusals_count_as_answers_in_the_failure_share(base_url: str, session: aiohttp.ClientSession,
                                                              hits: Counter[str]) -> None:
    client = single_shot(base_url, session)
    # given two failures and three refusals in the window: 40% failed
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await client.request("GET", "/unavailable")
    for _ in range(3):
        with pytest.raises(UpstreamNotFound):
            await client.request("GET", "/missing")
    # then the breaker is still closed
    assert client.breaker.state is BreakerState.CLOSED
    assert await client.request("GET", "/rows") == ROWS
    # and failures that bring the share to one half open it: 4 of 7 failed
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable, match="HTTP 503"):
            await client.request("GET", "/unavailable")
    await expect_open(client, "/rows", hits)


async def test_a_refusal_answering_the_probe_closes_the_breaker(base_url: str, session: aiohttp.ClientSession,
                                                               hits: Counter[str]) -> None:
    clock = ManualClock()
    client = single_shot(base_url, session, clock)
    # given an open breaker whose wait is over
    for _ in range(THRESHOLD):
        with pytest.raises(UpstreamUnavailable):
            await client.request("GET", "/unavailable")
    await expect_open(client, "/rows", hits)
    clock.now += 60
    # when the probe is refused with a 400
    with pytest.raises(UpstreamRejected):
        await client.request("GET", "/bad-request")
    # then the system answered, so the next calls go through at once
    assert [await client.request("GET", "/rows") for _ in range(3)] == [ROWS] * 3
    assert hits["/rows"] == 3


async def test_a_rate_limit_signal_still_opens_the_breaker_after_refusals(connect: Connect,
                                                                         hits: Counter[str]) -> None:
    client = connect(vendor_classify)
    with pytest.raises(UpstreamAuthFailed):
        await client.request("GET", "/unauthorized")
    with pytest.raises(RateLimited):
        await client.request("GET", "/vendor-limit")
    await expect_open(client, "/rows", hits)


async def test_a_call_with_no_time_left_is_not_started(connect: Connect, hits: Counter[str]) -> None:
    client = connect(None)

    with deadline_in(0.0), pytest.raises(UpstreamTimeout, match="no time left"):
        await client.request("GET", "/rows")

    assert hits["/rows"] == 0


async def test_the_deadline_cuts_a_hanging_call_short_without_counting_it_against_the_system(
        base_url: str, session: aiohttp.ClientSession, hits: Counter[str]) -> None:
    client = UpstreamClient("shop", base_url, session, timeout_s=10.0)
    started = time.monotonic()

    with deadline_in(0.3), pytest.raises(UpstreamTimeout, match="the request's deadline"):
        await client.request("GET", "/hang")

    assert 0.3 <= time.monotonic() - started < 1.0
    assert hits["/hang"] == 1
    assert client.breaker.counts() == (0, 0), "0.3 s says more about the caller than about the system"


async def test_the_bulkhead_refuses_what_cannot_start_within_the_deadline(
        base_url: str, session: aiohttp.ClientSession, hits: Counter[str]) -> None:
    client = UpstreamClient("shop", base_url, session, timeout_s=10.0,
                            resilience=Resilience(max_concurrent=1))

    async def call() -> BaseException | None:
        try:
            await client.request("GET", "/hang")
        except ConnectorError as error:
            return error
        return None

    with deadline_in(0.3):
        first = asyncio.create_task(call())
        await asyncio.sleep(0.05)
        second = asyncio.create_task(call())
        await asyncio.sleep(0.05)
        queued = client.health_snapshot()
        errors = await asyncio.gather(first, second)

    assert (queued.in_flight, queued.queued, queued.max_concurrent) == (1, 1, 1)
    assert isinstance(errors[0], UpstreamTimeout)
    assert isinstance(errors[1], UpstreamUnavailable) and str(errors[1]) == "shop: bulkhead full"
    assert hits["/hang"] == 1


async def test_the_health_snapshot_reports_the_window_and_the_last_call(connect: Connect) -> None:
    client = connect(None)
    await client.request("GET", "/rows")
    with pytest.raises(UpstreamUnavailable):
        await client.request("GET", "/unavailable")

    snapshot = client.health_snapshot()

    assert (snapshot.system, snapshot.breaker) == ("shop", "closed")
    assert (snapshot.window_calls, snapshot.window_failures, snapshot.window_retries) == (2, 1, 2)
    assert snapshot.last_error == "shop: HTTP 503 maintenance"
    assert snapshot.last_latency_s is not None and 0 < snapshot.last_latency_s < 1
    assert (snapshot.in_flight, snapshot.queued) == (0, 0)


async def test_without_a_deadline_a_retry_after_longer_than_the_timeout_is_not_waited_for(
        connect: Connect, hits: Counter[str]) -> None:
    """Background work (the journal, warming) has its own schedule: it fails now rather than sleep 30 s."""
    started = time.monotonic()
    with pytest.raises(RateLimited):
        await connect(None).request("GET", "/limited-long")
    assert hits["/limited-long"] == 1 and time.monotonic() - started < 1
