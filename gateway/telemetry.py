"""Tracing: one trace per request, W3C trace context in and out.

Spans: the HTTP server span (continuing a caller's `traceparent`), the GraphQL
operation span (name and type only: the document and variables may hold
personal data, so they are never recorded), a span per DataLoader batch, and
a client span per back-office call (connectors/http.py), which also sends the
context on. No span per resolver: they cost more than they tell.
"""

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .settings import SettingsError

TRACER = trace.get_tracer("omnigate")
PROPAGATOR = TraceContextTextMapPropagator()
_configured: set[str] = set()


def configure_tracing(exporter: str) -> None:
    """Installs the SDK provider once per process and the named exporter once (idempotent).

    With no exporter the SDK stays out: OpenTelemetry's no-op tracer costs next to nothing (the SDK
    measured 10-20% of throughput on small documents) and still passes a caller's `traceparent` on.
    """
    if exporter == "none" or exporter in _configured:
        return
    _sdk_provider().add_span_processor(BatchSpanProcessor(_exporter(exporter)))
    _configured.add(exporter)


def add_span_exporter(exporter: SpanExporter, processor: type[BatchSpanProcessor] | None = None) -> None:
    """For an exporter object of the caller's (tests use an in-memory one)."""
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

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
    provider = TracerProvider(resource=Resource.create({"service.name": "omnigate"}),
                              id_generator=PrivateIdGenerator())
    trace.set_tracer_provider(provider)
    return provider


def _exporter(name: str) -> SpanExporter:
    if name == "console":
        return ConsoleSpanExporter()
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError:
        raise SettingsError("OMNIGATE_TRACE_EXPORTER: otlp needs `pip install 'omnigate[otlp]'`") from None
    exporter: SpanExporter = OTLPSpanExporter()  # endpoint, headers: the standard OTEL_EXPORTER_OTLP_* variables
    return exporter


@web.middleware
async def server_spans(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The request's root span, a child of the caller's when it sent `traceparent`."""
    parent = PROPAGATOR.extract(request.headers)
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
def operation_span(name: str | None, operation_type: str) -> Iterator[trace.Span]:
    """OpenTelemetry's GraphQL conventions: `graphql.operation.name` and `graphql.operation.type`."""
    attributes = {"graphql.operation.type": operation_type}
    if name:
        attributes["graphql.operation.name"] = name
    with TRACER.start_as_current_span(f"{operation_type} {name or ''}".strip(), attributes=attributes) as span:
        yield span
