"""The shared upstream client: one session per system, its own timeout, and the request's deadline over it.

Adapters call `request()` with a path relative to the system's base URL and
get parsed JSON back or a `ConnectorError`; aiohttp never leaks past here. Each call is a
client span and carries the W3C trace context on to the back office.
`request_with_headers()` also hands back the response headers, for APIs that
page by header (`X-WP-TotalPages`). A vendor whose statuses mislead (a rate
limit sent as 403) passes `classify`, consulted before the status table.

Around every call, in this order (each in `connectors.resilience`, one job a module):
1. the request's deadline (a contextvar the gateway sets): no time left, no call (`UpstreamTimeout`);
2. the system's breaker: open, no call (`UpstreamUnavailable` "breaker open");
3. the system's bulkhead: wait for a slot within the deadline, else `UpstreamUnavailable` "bulkhead full";
4. the call, its timeout the smaller of the system's and what is left of the deadline;
5. for reads, a retry when the failure is transient, after full-jitter backoff or the 429's Retry-After,
   if the system's retry budget pays for it and the wait ends before the deadline.
"""

import asyncio
import base64
import random
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .errors import (
    ConnectorError,
    DeadlineExceeded,
    Overloaded,
    RateLimited,
    UpstreamAuthFailed,
    UpstreamNotFound,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from .resilience import deadline
from .resilience.breaker import BreakerState, CircuitBreaker
from .resilience.bulkhead import Bulkhead, BulkheadFull
from .resilience.policy import DEFAULT_RESILIENCE, Resilience, RetryPolicy
from .resilience.retry import RetryBudget, backoff_s, is_retryable, parse_retry_after
from .resilience.snapshot import UpstreamHealth
from .resilience.window import Clock

__all__ = ["CircuitBreaker", "Reply", "Resilience", "RetryPolicy", "UpstreamClient", "basic_auth", "error_for_status"]

# Turns an error response's status and body into a readable message, per vendor.
ErrorReader = Callable[[int, Any], str]
# Names the error class for an error response when the status alone would mislead, per vendor; None: use the table.
Classifier = Callable[[int, Any], type[ConnectorError] | None]

TRACER = trace.get_tracer("omnigate.upstream")
_JITTER = random.Random()  # our own, so retries neither read nor disturb the global random state
PROPAGATOR = TraceContextTextMapPropagator()


def basic_auth(user: str, password: str) -> dict[str, str]:
    """The HTTP Basic header (aiohttp's BasicAuth is deprecated and its helper is too new for our range)."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@dataclass(frozen=True)
class Reply:
    """A response's parsed body and its headers (aiohttp's, so look-ups ignore case)."""

    body: Any
    headers: Mapping[str, str]


class UpstreamClient:
    """One system's client. `resilience` holds the policies; `breaker`, `clock` and `jitter` are injectable
    so tests can open a breaker by hand, move time, and fix the backoff."""

    def __init__(self, system: str, base_url: str, session: aiohttp.ClientSession, *,
                 headers: Mapping[str, str] | None = None,
                 timeout_s: float = 2.0, read_error: ErrorReader | None = None,
                 classify: Classifier | None = None, resilience: Resilience = DEFAULT_RESILIENCE,
                 retry: RetryPolicy | None = None, breaker: CircuitBreaker | None = None,
                 clock: Clock = time.monotonic, jitter: random.Random = _JITTER) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.headers = dict(headers or {})
        self.timeout_s = timeout_s
        self.read_error = read_error or _status_only
        self.classify = classify
        self.retry = retry or resilience.retry
        self.breaker = breaker or CircuitBreaker(resilience.breaker, clock)
        self.budget = RetryBudget(resilience.budget, clock)
        self.bulkhead = Bulkhead(resilience.max_concurrent)
        self._jitter = jitter
        self._last_error: str | None = None
        self._last_latency_s: float | None = None

    async def request(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                      json: Any = None, headers: Mapping[str, str] | None = None,
                      idempotent: bool | None = None) -> Any:
        """One call, retried when `idempotent` (default: GET only) and the failure is transient; the body."""
        reply = await self.request_with_headers(method, path, params=params, json=json, headers=headers,
                                                idempotent=idempotent)
        return reply.body

    async def request_with_headers(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                                   json: Any = None, headers: Mapping[str, str] | None = None,
                                   idempotent: bool | None = None) -> Reply:
        """As `request`, with the response headers too.

        The breaker judges the call, retries included: a system failing 40% of its attempts answers 94% of
        its calls in three attempts and stays in service; a dead one fails every call and is cut off.
        """
        attempts = self.retry.attempts if (idempotent if idempotent is not None else method == "GET") else 1
        left = deadline.remaining()
        if left is not None and left <= 0:
            raise DeadlineExceeded(self.system, "no time left in the request's deadline", 0.0)
        allowed = self.breaker.allow()
        trace.get_current_span().set_attribute("omnigate.breaker", self.breaker.state.value)
        if not allowed:
            raise UpstreamUnavailable(self.system, "breaker open")
        self.budget.record_call()
        verdict: bool | None = None  # did the system answer? None: this call says nothing about it
        try:
            retry = 0
            while True:
                try:
                    reply = await self._attempt(method, path, params, json, headers)
                except UpstreamRejected:
                    verdict = True  # it answered: up, whatever it made of the request
                    raise
                except UpstreamUnavailable as error:
                    wait = self._retry_wait(error, retry, attempts)
                    if wait is None:
                        verdict = self._verdict(error)
                        raise
                else:
                    verdict = True
                    return reply
                trace.get_current_span().add_event("retry", {"omnigate.system": self.system,
                                                             "omnigate.retry": retry + 1})
                await asyncio.sleep(wait)
                retry += 1
        finally:
            if verdict is None:
                self.breaker.release()
            else:
                self.breaker.record(verdict)

    def _verdict(self, error: UpstreamUnavailable) -> bool | None:
        """What a call that failed with `error` says about the system: False (down), or None (nothing)."""
        if isinstance(error, Overloaded):
            return None
        if isinstance(error, DeadlineExceeded):
            return False if error.given_s >= self.breaker.policy.slow_call_s else None
        if isinstance(error, RateLimited) and error.status != 429:
            self.breaker.trip()  # the vendor said stop; a 429 is a failure like a 503
            return None
        return False

    def _retry_wait(self, error: ConnectorError, retry: int, attempts: int) -> float | None:
        """How long to wait before the next attempt, or None when there is none to make."""
        if retry + 1 >= attempts or not is_retryable(error):
            return None
        wait = max(backoff_s(self.retry, retry, self._jitter), error.retry_after_s or 0.0)
        left = deadline.remaining()
        if wait >= (self.timeout_s if left is None else left):
            return None  # the answer would come after the caller stopped waiting (with no deadline: too long a
            # wait for work that has its own schedule, such as the journal's)
        if self.breaker.state is BreakerState.OPEN or not self.budget.try_spend():
            return None
        return wait

    async def _attempt(self, method: str, path: str, params: Mapping[str, str] | None, json: Any,
                       headers: Mapping[str, str] | None) -> Reply:
        """One try: a bulkhead slot, then the call, its timeout capped by what is left of the deadline."""
        try:
            async with self._slot(deadline.remaining()):
                left = deadline.remaining()
                if left is not None and left <= 0:
                    raise DeadlineExceeded(self.system, "no time left in the request's deadline", 0.0)
                return await self._send(method, path, params, json, headers,
                                        self.timeout_s if left is None else min(self.timeout_s, left))
        except UpstreamUnavailable as error:
            if _about_the_system(error):
                self._last_error = str(error)
            raise

    @asynccontextmanager
    async def _slot(self, left: float | None) -> AsyncIterator[None]:
        """A bulkhead slot, waited for within the deadline (without one, within the system's timeout)."""
        try:
            async with self.bulkhead.slot(self.timeout_s if left is None else min(left, self.timeout_s)):
                yield
        except BulkheadFull:
            raise Overloaded(self.system, "bulkhead full") from None

    async def _send(self, method: str, path: str, params: Mapping[str, str] | None, json: Any,
                    headers: Mapping[str, str] | None, timeout_s: float) -> Reply:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        started = time.perf_counter()
        with self._span(method, url) as span, self._mapped_errors(timeout_s):
            outgoing = {**self.headers, **(headers or {})}
            PROPAGATOR.inject(outgoing)  # the back office joins the caller's trace
            async with self.session.request(method, url, params=params, json=json, headers=outgoing,
                                            timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
                span.set_attribute("http.response.status_code", response.status)
                reply = Reply(await _body(response), response.headers)
                self._last_latency_s = time.perf_counter() - started
                if response.status >= 400:
                    error = error_for_status(self.system, response.status, reply.body, self.read_error,
                                             classify=self.classify)
                    error.retry_after_s = parse_retry_after(response.headers.get("Retry-After"))
                    raise error
        return reply

    def health_snapshot(self) -> UpstreamHealth:
        """This system's breaker, window counts, bulkhead and last call, as of now: read-only and cheap."""
        calls, failures = self.breaker.counts()
        return UpstreamHealth(
            system=self.system, breaker=self.breaker.state.value, window_calls=calls, window_failures=failures,
            window_retries=self.budget.retries_in_window, in_flight=self.bulkhead.in_use,
            queued=self.bulkhead.waiting, max_concurrent=self.bulkhead.limit, last_error=self._last_error,
            last_latency_s=self._last_latency_s)

    @contextmanager
    def _span(self, method: str, url: str) -> Iterator[trace.Span]:
        """A client span per call: the path only, since query strings may carry customer data."""
        parts = urlsplit(url)
        attributes: dict[str, str | int] = {
            "omnigate.system": self.system, "http.request.method": method, "url.path": parts.path,
            "server.address": parts.hostname or "", "server.port": parts.port or 0}
        with TRACER.start_as_current_span(f"{self.system} {method}", kind=trace.SpanKind.CLIENT,
                                          attributes=attributes) as span:
            yield span

    @contextmanager
    def _mapped_errors(self, timeout_s: float) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except TimeoutError as exc:
            if timeout_s < self.timeout_s:
                raise DeadlineExceeded(self.system, f"no answer within {timeout_s:.3g}s (the request's deadline)",
                                       timeout_s) from exc
            raise UpstreamTimeout(self.system, f"no answer within {timeout_s:.3g}s") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamUnavailable(self.system, f"{type(exc).__name__}: {exc}") from exc


def _about_the_system(error: UpstreamUnavailable) -> bool:
    """False for a call that never reached the system: no slot in our bulkhead, or no time left to start."""
    if isinstance(error, Overloaded):
        return False
    return not (isinstance(error, DeadlineExceeded) and error.given_s == 0)


async def _body(response: aiohttp.ClientResponse) -> Any:
    if response.status == 204:
        return None
    if "json" in (response.content_type or ""):
        return await response.json()
    return await response.text()


def _status_only(status: int, body: Any) -> str:
    """The ErrorReader for a vendor whose error bodies say nothing more than the status."""
    return f"HTTP {status}"


def error_for_status(system: str, status: int, body: Any, read_error: ErrorReader, *,
                     classify: Classifier | None = None) -> ConnectorError:
    """The error for an error response (status >= 400): the vendor's `classify` first, then the status table.

    Public so that answers nested in a 200 (composite subrequests) map exactly as whole responses do.
    """
    kind = (classify(status, body) if classify else None) or _kind_of(status)
    return kind(system, read_error(status, body), status)


def _kind_of(status: int) -> type[ConnectorError]:
    if status in (401, 403):
        return UpstreamAuthFailed
    if status == 404:
        return UpstreamNotFound
    if status == 429:
        return RateLimited
    if status >= 500:
        return UpstreamUnavailable
    return UpstreamRejected
