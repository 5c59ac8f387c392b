"""Probes for anyone, details for those who run the gateway.

`/healthz` and `/readyz` answer a Kubernetes probe or a load balancer with a
status and its code only. `/status` adds each back office's latency or error,
which names internal hosts and ports: staff tokens and router keys only.
"""

import asyncio
import json
import time

from aiohttp import web

from connectors import ports
from connectors.errors import ConnectorError

from ..appkeys import BACKENDS_KEY, SECURITY_KEY
from ..auth.principals import AuthenticationError, Principal, Role
from ..errors import ErrorCode, error_body

STATUS_READERS = frozenset({Role.STAFF, Role.ROUTER})


async def healthz(_: web.Request) -> web.Response:
    """The process is up and serving; says nothing about the back offices."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when every back office answers; which one does not is for `/status`."""
    ready, _ = await _systems(request)
    return web.json_response({"status": "ready" if ready else "unready"}, status=200 if ready else 503)


async def status(request: web.Request) -> web.Response:
    """Readiness with each system's latency or error, for the principals in STATUS_READERS."""
    try:
        principal = await request.app[SECURITY_KEY].principal(request)
    except AuthenticationError as error:
        return _refused(401, str(error), ErrorCode.UNAUTHENTICATED)
    if principal.role not in STATUS_READERS:
        return _refusal_for(principal)
    ready, systems = await _systems(request)
    return web.json_response({"status": "ready" if ready else "unready", "systems": systems},
                             status=200 if ready else 503)


async def _systems(request: web.Request) -> tuple[bool, dict[str, dict[str, object]]]:
    systems = dict(await asyncio.gather(*(_check(h) for h in request.app[BACKENDS_KEY].health)))
    return all(result["ok"] for result in systems.values()), systems


async def _check(health: ports.Health) -> tuple[str, dict[str, object]]:
    started = time.perf_counter()
    try:
        await health.check()
    except ConnectorError as exc:
        return health.system.value, {"ok": False, "error": str(exc)}
    return health.system.value, {"ok": True, "latencyMs": round((time.perf_counter() - started) * 1000, 1)}


def _refusal_for(principal: Principal) -> web.Response:
    if principal.role is Role.ANONYMOUS:
        return _refused(401, "/status needs a staff token or a router key", ErrorCode.UNAUTHENTICATED)
    return _refused(403, "Not allowed", ErrorCode.FORBIDDEN)


def _refused(status: int, message: str, code: ErrorCode) -> web.Response:
    """The error shape of `/graphql`, so one client-side reader handles both."""
    headers = {"WWW-Authenticate": 'Bearer realm="omnigate"'} if status == 401 else None
    return web.Response(text=json.dumps(error_body(message, code)), status=status, headers=headers,
                        content_type="application/json")
