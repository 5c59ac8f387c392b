"""Posts webhook deliveries from tasks of their own: bounded concurrency, short timeouts, a clean stop.

A change never waits for its delivery: the simulator hands the courier a coroutine and answers at once.
`close()` (on the simulator's shutdown) cancels what is still running or waiting to retry and closes the
HTTP session, so a test may start and stop simulators as often as it likes without leaking either.
"""

import asyncio
import time
from collections import deque
from collections.abc import Coroutine, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import aiohttp

DELIVERIES_KEPT = 2000
USER_AGENT = "Omnigate-Simulator-Webhooks/1.0"


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """How deliveries are made. Square's retries over 24 h are compressed to seconds: `retry_delays_s` are the
    waits before each retry (the last repeats), `give_up_after_s` the age at which an event is dropped.
    `allow_http` accepts plain-HTTP notification URLs to any host (loopback ones always are)."""

    timeout_s: float = 3.0
    retry_delays_s: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
    give_up_after_s: float = 30.0
    max_concurrent: int = 8
    allow_http: bool = False

    @classmethod
    def parse(cls, body: object, base: "WebhookSettings") -> "WebhookSettings":
        """Applies a partial JSON object to `base`; raises ValueError on a bad key or value."""
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        changes: dict[str, Any] = {}
        for key, value in body.items():
            if key == "retry_delays_s":
                if not isinstance(value, list) or not value or not all(_positive(v) for v in value):
                    raise ValueError("retry_delays_s must be a non-empty list of positive numbers")
                changes[key] = tuple(float(v) for v in value)
            elif key in ("timeout_s", "give_up_after_s"):
                if not _positive(value):
                    raise ValueError(f"{key} must be a positive number")
                changes[key] = float(value)
            elif key == "allow_http":
                if not isinstance(value, bool):
                    raise ValueError("allow_http must be a boolean")
                changes[key] = value
            elif key == "max_concurrent":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise ValueError("max_concurrent must be a positive integer")
                changes[key] = value
            else:
                raise ValueError(f"unknown setting {key!r}")
        return cls(**{**asdict(base), **changes})

    def delay(self, retry: int) -> float:
        """The wait before retry number `retry` (1-based)."""
        return self.retry_delays_s[min(retry, len(self.retry_delays_s)) - 1]

    def json(self) -> dict[str, object]:
        return {**asdict(self), "retry_delays_s": list(self.retry_delays_s)}


def _positive(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0


@dataclass(frozen=True, slots=True)
class Attempt:
    """One POST the courier made: `status` is the HTTP status, None when no answer came in time."""

    system: str
    target: str  # the subscription or webhook id
    event: str  # Square event_id, WooCommerce delivery id
    topic: str
    url: str
    attempt: int
    status: int | None
    error: str | None
    at: float  # time.time()
    duration_s: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Courier:
    """One per simulator. The session and the semaphore are made on first use, inside the running loop."""

    def __init__(self, system: str, settings: WebhookSettings | None = None) -> None:
        self.system = system
        self.settings = settings or WebhookSettings()
        self.log: deque[Attempt] = deque(maxlen=DELIVERIES_KEPT)
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._gate: asyncio.Semaphore | None = None
        self._gate_size = 0

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Runs `work` in a task the courier owns (cancelled by `close`); the caller does not wait."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def post(self, *, target: str, event: str, topic: str, url: str, body: bytes,
                   headers: Mapping[str, str], attempt: int = 1) -> Attempt:
        """One POST within the timeout, at most `max_concurrent` at once; logged, never raising."""
        if self._gate is None or self._gate_size != self.settings.max_concurrent:  # new settings, new gate
            self._gate, self._gate_size = asyncio.Semaphore(self.settings.max_concurrent), self.settings.max_concurrent
        async with self._gate:
            started, at = time.monotonic(), time.time()
            status, error = None, None
            try:
                async with self._client().post(url, data=body, headers={"User-Agent": USER_AGENT, **headers},
                                               timeout=aiohttp.ClientTimeout(total=self.settings.timeout_s),
                                               allow_redirects=False) as response:
                    status = response.status
                    await response.read()
            except TimeoutError:
                error = "timeout"
            except aiohttp.ClientError as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
        done = Attempt(self.system, target, event, topic, url, attempt, status, error, at,
                       round(time.monotonic() - started, 4))
        self.log.append(done)
        return done

    def deliveries(self) -> list[dict[str, object]]:
        return [{**asdict(a), "ok": a.ok} for a in self.log]

    async def close(self) -> None:
        """Cancels every delivery still running or waiting, then closes the session."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._gate = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.settings.max_concurrent))
        return self._session
