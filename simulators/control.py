"""What the `/_sim/` endpoints steer: request counts, a timeline of calls, injected faults, seen traceparents.

One `Control` serves every simulator mounted on a host; its middleware runs
inside each system's application, so counting and faults see the request
before authentication does, as a network fault would.

Faults are set for a whole system or for one route of it (`"METHOD /pattern"`, as `/_sim/stats`
names it), so a test can fail one step of a multi-step write. A route's faults replace the system's
for that route. `lost_reply` lets the request be handled (the write happens) and then answers 504:
a write whose reply never reached the caller.
"""

import asyncio
import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields, replace

from aiohttp import web

SYSTEMS = ("erp", "pos", "crm", "webshop")
# Request lines up to this size reach the simulators, so each can answer an over-long URL as its API does
# (ERP 414 past 8 KB, CRM 414 past 16 KB) instead of aiohttp's own 400 at 8,190 bytes.
MAX_LINE_SIZE = 65536
TRACEPARENTS_KEPT = 1000
CALLS_KEPT = 10000  # the timeline of `/_sim/calls`: the latest calls, enough for one test's or benchmark's document

ErrorResponder = Callable[[int, str], web.Response]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Call:
    """One request a simulator handled: when it came in and when its answer was ready (time.monotonic())."""

    system: str
    route: str
    start: float
    end: float


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    down: bool = False
    hang: bool = False
    lost_reply: bool = False

    @classmethod
    def parse(cls, body: object, base: "Faults") -> "Faults":
        """Applies a partial JSON object to `base`; raises ValueError on a bad key or value."""
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        changes = {k: v for k, v in body.items() if k not in ("system", "route")}
        known = {f.name: f.type for f in fields(cls)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault {key!r}")
            if key in ("down", "hang", "lost_reply") and not isinstance(value, bool):
                raise ValueError(f"{key} must be a boolean")
            if key == "latency_ms" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError("latency_ms must be a non-negative integer")
            if key == "error_rate" and (isinstance(value, bool) or not isinstance(value, int | float)
                                        or not 0 <= value <= 1):
                raise ValueError("error_rate must be between 0 and 1")
        return replace(base, **changes)


class Control:
    def __init__(self, seed: int = 0, latency_ms: int = 0) -> None:
        self.base = Faults(latency_ms=latency_ms)
        self.faults = {system: self.base for system in SYSTEMS}
        self.route_faults: dict[str, dict[str, Faults]] = {system: {} for system in SYSTEMS}
        self.known_routes: dict[str, frozenset[str]] = {}
        self.routes: dict[str, Counter[str]] = {system: Counter() for system in SYSTEMS}
        self.traceparents: deque[str] = deque(maxlen=TRACEPARENTS_KEPT)
        self.calls: deque[Call] = deque(maxlen=CALLS_KEPT)
        self._random = random.Random(seed)
        self._released = asyncio.Event()

    def stats(self) -> dict[str, object]:
        systems = {s: {"total": sum(c.values()), "routes": dict(sorted(c.items()))} for s, c in self.routes.items()}
        return {"total": sum(int(v["total"]) for v in systems.values()), "systems": systems}  # type: ignore[call-overload]

    def timeline(self) -> list[dict[str, object]]:
        """The calls since the last reset, oldest first: what depended on what shows in their times."""
        return [asdict(call) for call in sorted(self.calls, key=lambda c: c.start)]

    def reset_stats(self) -> None:
        for counter in self.routes.values():
            counter.clear()
        self.calls.clear()

    def set_faults(self, system: str, faults: Faults, route: str | None = None) -> None:
        """The system's faults, or with `route` that route's only (checked first by `check_route`)."""
        if route is None:
            self.faults[system] = faults
        else:
            self.route_faults[system][route] = faults
        if not faults.hang:
            self.release()

    def faults_of(self, system: str, route: str | None = None) -> Faults:
        """What applies to `route` (a route without faults of its own has the system's)."""
        return self.route_faults[system].get(route, self.faults[system]) if route else self.faults[system]

    def clear_faults(self) -> None:
        self.faults = {system: self.base for system in SYSTEMS}
        self.route_faults = {system: {} for system in SYSTEMS}
        self.release()

    def describe_faults(self) -> dict[str, dict[str, object]]:
        return {system: {**asdict(f), "routes": {r: asdict(rf) for r, rf in sorted(self.route_faults[system].items())}}
                for system, f in self.faults.items()}

    def learn_routes(self, system: str, routes: frozenset[str]) -> None:
        """The routes `system` serves ("METHOD /pattern", "*" for any method), so a fault names a real one."""
        self.known_routes[system] = routes

    def check_route(self, system: str, route: object) -> str:
        """`route` if `system` serves it; raises ValueError otherwise."""
        if not isinstance(route, str) or len(parts := route.split(" ")) != 2:
            raise ValueError('route must be "METHOD /path pattern" as /_sim/stats names it')
        method, path = parts
        known = self.known_routes.get(system)
        if known is not None and route not in known and f"* {path}" not in known:
            raise ValueError(f"{system} has no route {route!r}")
        if method != method.upper():
            raise ValueError("route method must be upper case")
        return route

    def release(self) -> None:
        """Lets every hanging request go (with a 503), e.g. when faults are cleared or the server stops."""
        self._released.set()
        self._released = asyncio.Event()

    def middleware(self, system: str, prefix: str,
                   error: ErrorResponder) -> Callable[..., Awaitable[web.StreamResponse]]:
        @web.middleware
        async def control(request: web.Request, handler: Handler) -> web.StreamResponse:
            route = f"{request.method} {_route_of(request, prefix)}"
            self.routes[system][route] += 1
            started = time.monotonic()
            try:
                return await self._handle(system, route, request, handler, error)
            finally:
                self.calls.append(Call(system, route, started, time.monotonic()))

        return control

    async def _handle(self, system: str, route: str, request: web.Request, handler: Handler,
                      error: ErrorResponder) -> web.StreamResponse:
        """The request with its system's (or route's) faults applied."""
        if traceparent := request.headers.get("traceparent"):
            self.traceparents.append(traceparent)
        faults = self.faults_of(system, route)
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.hang:
            await self._released.wait()
            return error(503, "Service Unavailable")
        if faults.down:
            return error(503, "Service Unavailable")
        if faults.error_rate and self._random.random() < faults.error_rate:
            return error(500, "Internal Server Error")
        response = await handler(request)
        if faults.lost_reply:
            return error(504, "Gateway Timeout")
        return response


def _route_of(request: web.Request, prefix: str) -> str:
    """The matched route's pattern, so `/v2/locations/L7` and `/L8` count as one route."""
    route = request.match_info.route
    resource = route.resource if route is not None else None
    if resource is None:
        return request.path
    canonical = resource.canonical
    return canonical if canonical.startswith(prefix) else prefix + canonical
