"""One trace per request: server span, GraphQL operation span, a span per batch, a client span per
back-office call, and the W3C trace context sent on to the back offices (they record what they got), whether
or not anything is exported."""

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.settings import SettingsError
from gateway.telemetry import configure_tracing, exporter_names, service_resource
from simulators.host import SimulatorHost
from simulators.world import World
from tests.gateway_process import gateway_process
from tests.harness import STAFF, Stack

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{CALLER_SPAN}-01"
UNSAMPLED = f"00-{TRACE_ID}-{CALLER_SPAN}-00"
PRODUCT_PAGE = """
query ProductPage($sku: String!) {
  product(sku: $sku) { name price { amount { amount } channelPrices { source } } onlineAvailability { quantity } }
}"""
SEARCH = "{ searchProducts(first: 3) { totalCount } }"


def of_trace(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.context and f"{s.context.trace_id:032x}" == TRACE_ID]


def parent_of(span: ReadableSpan, spans: dict[int, ReadableSpan]) -> ReadableSpan | None:
    return spans.get(span.parent.span_id) if span.parent else None


def ancestors(span: ReadableSpan, spans: dict[int, ReadableSpan]) -> list[str]:
    names, current = [], parent_of(span, spans)
    while current is not None:
        names.append(current.name)
        current = parent_of(current, spans)
    return names


async def seen_by_back_offices(http: aiohttp.ClientSession, sim_url: str) -> list[str]:
    async with http.get(f"{sim_url}/_sim/traceparents") as r:
        received: list[str] = (await r.json())["traceparents"]
        return received


async def test_the_span_tree_of_a_query_over_three_systems(stack: Stack, exporter: InMemorySpanExporter) -> None:
    # given a product page, which reads the ERP (product, price), the POS (its price) and the web shop
    exporter.clear()
    sku = next(p.sku for p in stack.world.products if not p.delisted and p.webshop_id is not None)

    # when it is asked within the caller's trace
    body = await stack.graphql(PRODUCT_PAGE, {"sku": sku}, {**STAFF, "traceparent": TRACEPARENT})
    assert "errors" not in body

    # then the server span continues the caller's, the operation span is its child, and every batch and
    # client span hangs below the operation
    spans = of_trace(exporter)
    by_id = {s.context.span_id: s for s in spans if s.context}
    by_name = {s.name: s for s in spans}
    server = by_name["POST /graphql"]
    assert server.kind is SpanKind.SERVER and server.parent is not None
    assert f"{server.parent.span_id:016x}" == CALLER_SPAN
    assert (server.attributes or {})["http.response.status_code"] == 200
    operation = by_name["query ProductPage"]
    assert parent_of(operation, by_id) is server
    assert dict(operation.attributes or {}) == {
        "graphql.operation.type": "query", "graphql.operation.name": "ProductPage",
        "graphql.document.sha256": hashlib.sha256(PRODUCT_PAGE.encode()).hexdigest()}
    batches = [s for s in spans if s.attributes and "omnigate.loader" in s.attributes]
    assert {(s.attributes or {})["omnigate.system"] for s in batches} == {"erp", "pos", "webshop"}
    for batch in batches:
        attributes = dict(batch.attributes or {})
        assert batch.name == f"{attributes['omnigate.system']} {attributes['omnigate.loader']}"
        assert attributes["omnigate.batch.size"] == 1
        cache = (attributes["omnigate.shared_cache.hits"], attributes["omnigate.shared_cache.misses"])
        assert cache in ((0, 1), (1, 0))
        if cache == (0, 1):  # it called its system: the breaker's state then is on the batch
            assert attributes["omnigate.breaker"] == "closed"
        assert ancestors(batch, by_id)[-2:] == ["query ProductPage", "POST /graphql"]
    calls = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert {str((s.attributes or {})["omnigate.system"]) for s in calls} == {"erp", "pos", "webshop"}
    assert all(parent_of(c, by_id) in batches for c in calls)
    assert all("?" not in str((s.attributes or {})["url.path"]) for s in calls)
    # neither the document nor its variables are recorded anywhere
    for span in spans:
        assert sku not in str(span.attributes) and "onlineAvailability" not in str(span.attributes)

    # and each call carried the trace on to its back office, its own span as the parent
    received = await seen_by_back_offices(stack.http, stack.sim_url)
    assert sum(TRACE_ID in t for t in received) == len(calls)
    assert {t.split("-")[2] for t in received if TRACE_ID in t} == {f"{c.context.span_id:016x}" for c in calls
                                                                    if c.context}


async def test_an_unkeyed_read_is_one_span_like_a_batch(stack: Stack, exporter: InMemorySpanExporter) -> None:
    exporter.clear()
    body = await stack.graphql(SEARCH, {}, {**STAFF, "traceparent": TRACEPARENT})
    assert "errors" not in body

    reads = [s for s in of_trace(exporter) if s.attributes and "omnigate.read" in s.attributes]
    assert [(s.name, dict(s.attributes or {})) for s in reads] == [
        ("erp product_search",
         {"omnigate.system": "erp", "omnigate.read": "product_search", "omnigate.breaker": "closed"})]


async def test_an_unsampled_caller_is_continued_without_recording(stack: Stack,
                                                                  exporter: InMemorySpanExporter) -> None:
    # given a caller that did not sample its trace (flags 00): the default sampler, parent-based, follows it
    exporter.clear()
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    await stack.graphql(PRODUCT_PAGE, {"sku": sku}, {**STAFF, "traceparent": UNSAMPLED})
    assert of_trace(exporter) == []
    received = [t for t in await seen_by_back_offices(stack.http, stack.sim_url) if TRACE_ID in t]
    assert received and all(t.endswith("-00") for t in received)


@pytest.fixture
async def sim(live_world: World) -> AsyncIterator[str]:
    host = SimulatorHost(live_world)
    url = await host.start()
    try:
        yield url
    finally:
        await host.stop()


async def test_without_an_exporter_the_trace_context_still_reaches_the_back_offices(
        sim: str, live_world: World, tmp_path: Path) -> None:
    # given a gateway process of its own that installs no tracing SDK (OTEL_TRACES_EXPORTER=none)
    async with gateway_process(sim, tmp_path / "ledger.sqlite3", OTEL_TRACES_EXPORTER="none") as gateway, \
            aiohttp.ClientSession() as http:
        # when a caller sends its trace context and baggage
        headers = {"traceparent": TRACEPARENT, "baggage": "tenant=demo", "Content-Type": "application/json"}
        sku = next(p.sku for p in live_world.products if not p.delisted)
        document = {"query": PRODUCT_PAGE, "variables": {"sku": sku}}
        async with http.post(f"{gateway.url}/graphql", json=document, headers=headers) as r:
            assert r.status == 200 and "errors" not in await r.json()
        # then the back offices were called within the caller's trace, from the caller's span
        received = await seen_by_back_offices(http, sim)
    assert f"00-{TRACE_ID}-{CALLER_SPAN}-01" in received


def test_exporters_are_named_as_the_sdk_names_them() -> None:
    assert exporter_names({}) == []
    assert exporter_names({"OTEL_TRACES_EXPORTER": "none"}) == []
    assert exporter_names({"OTEL_TRACES_EXPORTER": "console, OTLP"}) == ["console", "otlp"]


def test_the_service_is_named_omnigate_unless_otel_says_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    assert service_resource().attributes["service.name"] == "omnigate"
    monkeypatch.setenv("OTEL_SERVICE_NAME", "omnigate-eu")
    assert service_resource().attributes["service.name"] == "omnigate-eu"


def test_an_exporter_nobody_installed_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="OTEL_TRACES_EXPORTER: no span exporter named 'zipkin'"):
        configure_tracing({"OTEL_TRACES_EXPORTER": "zipkin"})
