"""Tracing: one trace per request, W3C trace context in and out, configured by the standard `OTEL_*` variables.

Spans: the HTTP server span (continuing a caller's `traceparent`), the GraphQL
operation span (name, type and a SHA-256 of the document: the document and
variables may hold personal data, so they are never recorded), a span per
DataLoader batch, and a client span per back-office call (connectors/http.py).
No span per resolver: they cost more than they tell.

What is read from the environment, and by whom (nothing is parsed twice):
- `OTEL_TRACES_EXPORTER` (here: comma-separated names, default `none`, not the spec's `otlp`: nothing listens in
  development) names exporters the way the SDK's auto-configuration does, through the
  `opentelemetry_traces_exporter` entry points (`console` from the SDK, `otlp` from
  `opentelemetry-exporter-otlp-proto-http`, installed by `omnigate[otlp]`);
- `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`: the SDK's `TracerProvider` reads them itself;
- `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`: the SDK's `Resource.create` (we only default the name to
  `omnigate`);
- `OTEL_EXPORTER_OTLP_*`: the OTLP exporter; `OTEL_BSP_*`: the batch span processor;
- `OTEL_PROPAGATORS` (default `tracecontext,baggage`): the API's global propagator, used both ways.

With no exporter the SDK stays out: the API's no-op tracer hands on the caller's span context as a
non-recording span, so `traceparent`, `tracestate` and `baggage` still reach the back offices (sent by
`upstream_trace_config`, on every call), at next to no cost.
"""

import hashlib
import os
import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import entry_points
from types import SimpleNamespace
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode

from .settings import SettingsError

TRACER = trace.get_tracer("omnigate")
DEFAULT_SERVICE_NAME = "omnigate"
EXPORTER_GROUP = "opentelemetry_traces_exporter"
# The spec's `otlp` is registered by the `opentelemetry-exporter-otlp` meta-package (over gRPC); `omnigate[otlp]`
# installs the HTTP exporter alone, registered as `otlp_proto_http`, which `otlp` names here when it is the one there.
_SPEC_NAMES = {"otlp": "otlp_proto_http"}
_configured: set[str] = set()


def configure_tracing(environ: Mapping[str, str] = os.environ) -> None:
    """Installs the SDK provider once per process and each named exporter once (idempotent).

    Raises SettingsError for an exporter nobody installed.
    """
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return
    for name in exporter_names(environ):
        if name in _configured:
            continue
        exporter = _exporter(name)
        _sdk_provider().add_span_processor(BatchSpanProcessor(exporter))
        _configured.add(name)


def exporter_names(environ: Mapping[str, str]) -> list[str]:
    names = [n.strip().lower() for n in environ.get("OTEL_TRACES_EXPORTER", "none").split(",")]
    return [n for n in names if n and n != "none"]


def add_span_exporter(exporter: SpanExporter, processor: type[BatchSpanProcessor] | None = None) -> None:
    """For an exporter object of the caller's (tests and benchmarks use an in-memory one)."""
    _sdk_provider().add_span_processor((processor or SimpleSpanProcessor)(exporter))


class PrivateIdGenerator(IdGenerator):
    """Trace and span ids from a generator of our own: the SDK's default draws on the `random` module's
    global state, which other code in the process may seed or rely on."""

    def __init__(self) -> None:
        self._random = random.Random(os.urandom(16))

    def generate_span_id(self) -> int:
        return self._random.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        return self._random.getrandbits(128) or 1


def _sdk_provider() -> TracerProvider:
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider(resource=service_resource(), id_generator=PrivateIdGenerator())  # sampler: OTEL_*
    trace.set_tracer_provider(provider)
    return provider


def service_resource() -> Resource:
    """The SDK's resource (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`), named `omnigate` when they say nothing."""
    detected = Resource.create()
    if str(detected.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        return detected.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return detected


def _exporter(name: str) -> SpanExporter:
    found = entry_points(group=EXPORTER_GROUP, name=name) or entry_points(group=EXPORTER_GROUP,
                                                                          name=_SPEC_NAMES.get(name, name))
    if not found:
        hint = " (install `omnigate[otlp]`)" if name == "otlp" else ""
        raise SettingsError(f"OTEL_TRACES_EXPORTER: no span exporter named {name!r} is installed{hint}")
    exporter: SpanExporter = next(iter(found)).load()()
    return exporter


def document_hash(document: str) -> str:
    """What names a document in a trace without showing it: the SHA-256 persisted queries use too."""
    return hashlib.sha256(document.encode()).hexdigest()


def tracing_on() -> bool:
    """Whether spans are recorded (the SDK is installed): without it a span is work for nobody, so the hot path
    skips them (the caller's trace context still passes through)."""
    return isinstance(trace.get_tracer_provider(), TracerProvider)


def current_trace_id() -> str | None:
    """The trace id in W3C's hex form, also when the span is not recorded (a caller's, continued)."""
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


@web.middleware
async def server_spans(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The request's root span, a child of the caller's when it sent `traceparent` (its baggage kept). With
    tracing off, only the caller's context is made current, when it sent one."""
    parent = propagate.extract(request.headers)
    if not tracing_on():
        if not parent:
            return await handler(request)
        token = otel_context.attach(parent)
        try:
            return await handler(request)
        finally:
            otel_context.detach(token)
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else request.path
    with TRACER.start_as_current_span(f"{request.method} {route}", context=parent, kind=SpanKind.SERVER,
                                      attributes={"http.request.method": request.method, "http.route": route,
                                                  "url.path": request.path}) as span:
        response = await handler(request)
        span.set_attribute("http.response.status_code", response.status)
        if response.status >= 500:
            span.set_status(Status(StatusCode.ERROR))
        return response


@contextmanager
def operation_span(name: str | None, operation_type: str, document: str) -> Iterator[None]:
    """OpenTelemetry's GraphQL conventions: `graphql.operation.name` and `graphql.operation.type`; the document
    only as `graphql.document.sha256` (not hashed with tracing off)."""
    if not tracing_on():
        yield
        return
    attributes = {"graphql.operation.type": operation_type, "graphql.document.sha256": document_hash(document)}
    if name:
        attributes["graphql.operation.name"] = name
    with TRACER.start_as_current_span(f"{operation_type} {name or ''}".strip(), attributes=attributes):
        yield


@contextmanager
def operation_span_started(name: str | None, operation_type: str, document: str) -> Iterator[Callable[[], None]]:
    """As `operation_span`, for an operation that runs in a task started inside the block and outlives it (over
    WebSocket): the span is current for what starts in the block, and ends when the yielded function is called."""
    if not tracing_on():
        yield lambda: None
        return
    attributes = {"graphql.operation.type": operation_type, "graphql.document.sha256": document_hash(document)}
    if name:
        attributes["graphql.operation.name"] = name
    span = TRACER.start_span(f"{operation_type} {name or ''}".strip(), attributes=attributes)
    token = otel_context.attach(trace.set_span_in_context(span))
    try:
        yield span.end
    finally:
        otel_context.detach(token)


def upstream_trace_config() -> aiohttp.TraceConfig:
    """Puts W3C `traceparent`, `tracestate` and `baggage` on every back-office call, from the current context.

    Runs inside the client's span (connectors/http.py), so the back office sees that span as its parent; with
    no SDK installed, the caller's context passes through unchanged.
    """
    async def inject(_: aiohttp.ClientSession, __: SimpleNamespace, params: Any) -> None:
        propagate.inject(params.headers)

    config = aiohttp.TraceConfig()
    config.on_request_start.append(inject)
    return config
