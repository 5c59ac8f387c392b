"""The shared upstream client: one session per system, its own timeout, retries for reads, a breaker.

Adapters call `request()` with a path relative to the system's base URL and
get parsed JSON back or a `ConnectorError`; aiohttp never leaks past here. Each call is a
client span and carries the W3C trace context on to the back office.
`request_with_headers()` also hands back the response headers, for APIs that
page by header (`X-WP-TotalPages`). A vendor whose statuses mislead (a rate
limit sent as 403) passes `classify`, consulted before the status table.
"""

import asyncio
import base64
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .errors import (
    ConnectorError,
    RateLimited,
    UpstreamAuthFailed,
    UpstreamNotFound,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)

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


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff_s: float = 0.05


class CircuitBreaker:
    """Opens after `threshold` failures in a row; lets one trial through after `cooldown_s`.

    It asks one question: does the system answer? A failure is no useful answer (network error,
    timeout, 5xx). A rate limit (429, or a vendor's own signal) trips it at once: the system asked us
    to stop. Any other answer shows the system is up and counts as a success, whatever it said:
    - a 4xx about the request (400, 404, 409, 413, 422...) is the caller's error; counting it would
      let one caller's bad input take the system away from every other caller;
    - 401/403 (our credential refused) is our configuration's error; opening would spare the system
      nothing (a refusal costs it nothing) and would hide the cause behind "circuit open".
    Either, when it reaches a GraphQL client, is UPSTREAM_ERROR naming the system, not UPSTREAM_UNAVAILABLE.
    """

    def __init__(self, threshold: int = 5, cooldown_s: float = 5.0) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._failures = 0
        self._opened_at: float | None = None

    def allow(self) -> bool:
        if self._opened_at is None:
            return True
        if time.monotonic() - self._opened_at >= self.cooldown_s:
            self._opened_at = time.monotonic()  # half-open: one trial per cooldown
            return True
        return False

    def trip(self) -> None:
        """Opens now, whatever the count: the system said to stop (a rate limit), more calls only make it worse.

        The count is set at the threshold, so a failed trial after the cooldown opens it again.
        """
        self._failures = max(self._failures, self.threshold)
        self._opened_at = time.monotonic()

    def record(self, ok: bool) -> None:
        if ok:
            self._failures, self._opened_at = 0, None
            return
        self._failures += 1
        if self._failures >= self.threshold:
            self._opened_at = time.monotonic()


class UpstreamClient:
    def __init__(self, system: str, base_url: str, session: aiohttp.ClientSession, *,
                 headers: Mapping[str, str] | None = None,
                 timeout_s: float = 2.0, read_error: ErrorReader | None = None,
                 classify: Classifier | None = None,
                 retry: RetryPolicy = RetryPolicy(), breaker: CircuitBreaker | None = None) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.headers = dict(headers or {})
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.read_error = read_error or _status_only
        self.classify = classify
        self.retry = retry
        self.breaker = breaker or CircuitBreaker()

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
        """As `request`, with the response headers too. Neither a rate limit (it tripped the breaker) nor a
        timeout (a hung system would triple the wait) is retried."""
        retries = self.retry.attempts if (idempotent if idempotent is not None else method == "GET") else 1
        for attempt in range(retries):
            try:
                return await self._once(method, path, params, json, headers)
            except (RateLimited, UpstreamTimeout):
                raise  # a rate limit says stop; a timeout already cost the caller its whole budget
            except UpstreamUnavailable:
                if attempt + 1 == retries or not self.breaker.allow():
                    raise
                await asyncio.sleep(self.retry.backoff_s * (2**attempt) * (0.5 + _JITTER.random()))
        raise AssertionError("unreachable")

    async def _once(self, method: str, path: str, params: Mapping[str, str] | None, json: Any,
                    headers: Mapping[str, str] | None) -> Reply:
        if not self.breaker.allow():
            raise UpstreamUnavailable(self.system, "circuit open after repeated failures")
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        try:
            with self._span(method, url) as span, self._mapped_errors():
                outgoing = {**self.headers, **(headers or {})}
                PROPAGATOR.inject(outgoing)  # the back office joins the caller's trace
                async with self.session.request(method, url, params=params, json=json, headers=outgoing,
                                                timeout=self.timeout) as response:
                    span.set_attribute("http.response.status_code", response.status)
                    reply = Reply(await _body(response), response.headers)
                    if response.status >= 400:
                        raise error_for_status(self.system, response.status, reply.body, self.read_error,
                                               classify=self.classify)
        except RateLimited:
            self.breaker.trip()
            raise
        except UpstreamUnavailable:
            self.breaker.record(False)
            raise
        except UpstreamRejected:
            self.breaker.record(True)  # it answered: up, whatever it made of the request
            raise
        self.breaker.record(True)
        return reply

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
    def _mapped_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except TimeoutError as exc:
            raise UpstreamTimeout(self.system, f"no answer within {self.timeout.total}s") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamUnavailable(self.system, f"{type(exc).__name__}: {exc}") from exc


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
