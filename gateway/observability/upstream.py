"""Every HTTP call to a back office, seen from aiohttp's client tracing hooks (one `TraceConfig` per system's
session): counted and timed in the metrics and in the system's recent calls, counted on the request's record,
and, when it failed within a request, logged as one line naming the system, the method, the status or the kind
of error, never the URL (its path and query can hold customer ids)."""

import logging
import time
from types import SimpleNamespace
from typing import Any

import aiohttp

from ..telemetry import current_trace_id
from .metrics import Metrics
from .record import current
from .systems import SystemStats

log = logging.getLogger("omnigate.upstream")


def upstream_observer(system: str, metrics: Metrics, stats: SystemStats) -> aiohttp.TraceConfig:
    async def started(_: aiohttp.ClientSession, ctx: SimpleNamespace, __: Any) -> None:
        ctx.started = time.perf_counter()
        record = current()
        if record is not None:
            record.upstream_calls += 1

    async def ended(_: aiohttp.ClientSession, ctx: SimpleNamespace, params: aiohttp.TraceRequestEndParams) -> None:
        status = params.response.status
        failed = status == 429 or status >= 500
        outcome = "failed" if failed else "rejected" if status >= 400 else "ok"
        _observe(ctx, params.method, outcome, f"HTTP {status}" if failed else None, status)

    async def raised(_: aiohttp.ClientSession, ctx: SimpleNamespace,
                     params: aiohttp.TraceRequestExceptionParams) -> None:
        _observe(ctx, params.method, "failed", type(params.exception).__name__, None)

    def _observe(ctx: SimpleNamespace, method: str, outcome: str, error: str | None, status: int | None) -> None:
        seconds = time.perf_counter() - getattr(ctx, "started", time.perf_counter())
        metrics.observe_upstream(system, outcome, seconds)
        stats.record(outcome != "failed", seconds, f"{system}: {error}" if error else None)
        if error is None:
            return
        record = current()
        if record is not None:
            record.upstream_failures += 1
        # outside a request (start-up warming, sweeps) the work that called reports its own failure
        log.log(logging.WARNING if record else logging.DEBUG, "upstream call failed", extra={"fields": {
            "event": "upstream_failure", "system": system, "method": method, "status": status, "error": error,
            "duration_ms": round(seconds * 1000, 1), "trace_id": current_trace_id(),
            "request_id": record.request_id if record else None}})

    config = aiohttp.TraceConfig()
    config.on_request_start.append(started)
    config.on_request_end.append(ended)
    config.on_request_exception.append(raised)
    return config
