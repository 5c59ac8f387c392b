"""Probes for anyone, details for those who run the gateway.

`/healthz` (liveness: the process and its event loop answer) and `/readyz` (readiness: see
`readiness.py`) answer a Kubernetes probe or a load balancer with a status and its code only, without
waiting behind GraphQL work (admission control never holds them). `/status` adds each back office's state,
last error and latency, which name internal hosts and ports, and the availability index's state: staff tokens
and router keys only. `/metrics` is Prometheus text, readable as `OMNIGATE_METRICS_ACCESS` says.
"""

import json

from aiohttp import web

from ..appkeys import (
    ADMISSION_KEY,
    BACKENDS_KEY,
    CLOCK_KEY,
    METRICS_KEY,
    READINESS_KEY,
    REFERENCE_KEY,
    SECURITY_KEY,
    SETTINGS_KEY,
    SHARED_KEY,
    SYSTEMS_KEY,
)
from ..auth.principals import AuthenticationError, Principal, Role
from ..availability.report import IndexReport, index_memory, index_report
from ..errors import ErrorCode, error_body
from ..observability.metrics import CONTENT_TYPE

STATUS_READERS = frozenset({Role.STAFF, Role.ROUTER})


async def healthz(_: web.Request) -> web.Response:
    """The process is up and its loop turns; says nothing about the back offices."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    readiness = request.app[READINESS_KEY]
    return web.json_response({"status": readiness.word}, status=200 if readiness.ready else 503)


async def status(request: web.Request) -> web.Response:
    """Readiness with each system's state and Redis's (`off` without one), for the principals in STATUS_READERS.
    Redis down leaves the gateway ready: it serves from each process's own state meanwhile."""
    if (refusal := await _operators_only(request, "/status")) is not None:
        return refusal
    readiness = request.app[READINESS_KEY]
    systems = await request.app[SYSTEMS_KEY].report()
    admission = request.app[ADMISSION_KEY]
    shared = request.app.get(SHARED_KEY)
    report = _availability(request.app)
    return web.json_response({"status": readiness.word, "systems": systems,
                              "redis": shared.link.report() if shared is not None else {"state": "off"},
                              "admission": {"running": admission.running, "queued": admission.queued,
                                            "limit": admission.limit, "queue": admission.queue},
                              "availability": report.as_json(index_memory(request.app[REFERENCE_KEY].availability))
                              if report is not None else None},
                             status=200 if readiness.ready else 503)


async def metrics(request: web.Request) -> web.Response:
    access = request.app[SETTINGS_KEY].metrics_readers
    if access == "off":
        raise web.HTTPNotFound()
    if access == "operators" and (refusal := await _operators_only(request, "/metrics")) is not None:
        return refusal
    app = request.app
    registry = app[METRICS_KEY]
    admission = app[ADMISSION_KEY]
    registry.in_flight.set(admission.running)
    registry.queued.set(admission.queued)
    registry.undos_pending.set(len(await app[BACKENDS_KEY].journal.pending()))
    if (report := _availability(app)) is not None:
        registry.observe_availability(report.state != "warming", report.age_s, report.sellable_pairs, report.build_s)
    return web.Response(body=registry.text(), headers={"Content-Type": CONTENT_TYPE})


def _availability(app: web.Application) -> IndexReport | None:
    """The availability index's report; None before the back offices are opened (no index yet)."""
    if REFERENCE_KEY not in app:
        return None
    return index_report(app[REFERENCE_KEY].availability, app[CLOCK_KEY](), app[SETTINGS_KEY].availability_stale_s)


async def _operators_only(request: web.Request, path: str) -> web.Response | None:
    try:
        principal = await request.app[SECURITY_KEY].principal(request)
    except AuthenticationError as error:
        return _refused(401, str(error), ErrorCode.UNAUTHENTICATED)
    if principal.role not in STATUS_READERS:
        return _refusal_for(principal, path)
    return None


def _refusal_for(principal: Principal, path: str) -> web.Response:
    if principal.role is Role.ANONYMOUS:
        return _refused(401, f"{path} needs a staff token or a router key", ErrorCode.UNAUTHENTICATED)
    return _refused(403, "Not allowed", ErrorCode.FORBIDDEN)


def _refused(status: int, message: str, code: ErrorCode) -> web.Response:
    """The error shape of `/graphql`, so one client-side reader handles both."""
    headers = {"WWW-Authenticate": 'Bearer realm="omnigate"'} if status == 401 else None
    return web.Response(text=json.dumps(error_body(message, code)), status=status, headers=headers,
                        content_type="application/json")
