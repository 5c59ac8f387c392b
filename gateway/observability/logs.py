"""Logs for machines and for people: one line per request and per failed back-office call.

`json` (production's default) writes one JSON object a line: `ts`, `level`, `logger`, `message` and the
record's `fields`; `text` (development's) writes the same as `key=value` pairs after the message. The
request line holds the operation's name and type, status, outcome, duration, the principal's role, how many
back-office calls it made and how many failed, the trace id and the request id: never variables, tokens,
client addresses or ids of customers. Probes and scrapes are logged at DEBUG only.
"""

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from ..middleware import request_id
from ..settings.values import LogFormat
from ..telemetry import current_trace_id
from .metrics import Metrics
from .record import CURRENT, RequestRecord

log = logging.getLogger("omnigate.request")
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    found = getattr(record, "fields", None)
    return dict(found) if isinstance(found, dict) else {}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                                **fields_of(record)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        pairs = " ".join(f"{k}={v}" for k, v in fields_of(record).items() if k != "event" and v is not None)
        return f"{text} {pairs}" if pairs else text


def configure_logging(form: LogFormat, stream: Any = sys.stderr) -> None:
    """INFO to stderr in the chosen format, unless the host configured logging already."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if form == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def observed(metrics: Metrics) -> Middleware:
    """Opens the request's record, then logs it and counts a GraphQL request in the metrics."""
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        record = RequestRecord(metrics, request_id=request_id(request))
        token = CURRENT.set(record)
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            CURRENT.reset(token)
            _finish(request, record, status)

    return middleware


def _finish(request: web.Request, record: RequestRecord, status: int) -> None:
    seconds = time.perf_counter() - record.started
    outcome = record.outcome or ("error" if status >= 500 else "refused" if status >= 400 else "ok")
    if record.graphql:
        record.metrics.observe_request(record.operation, record.operation_type is not None, outcome, seconds)
    resource = request.match_info.route.resource
    route = resource.canonical if resource else "-"
    level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
    if not log.isEnabledFor(level):
        return
    log.log(level, "request", extra={"fields": {
        "event": "request", "method": request.method, "route": route, "status": status, "outcome": outcome,
        "duration_ms": round(seconds * 1000, 1), "operation": record.operation, "operation_type": record.operation_type,
        "role": record.role, "upstream_calls": record.upstream_calls, "upstream_failures": record.upstream_failures,
        "trace_id": current_trace_id(), "request_id": record.request_id}})
