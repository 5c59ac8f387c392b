"""One trace per request: server span, GraphQL operation span, a span per batch, a client span per
back-office call, and the W3C trace context sent on to the back offices (they record what they got)."""

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.telemetry import add_span_exporter
from tests.harness import STAFF, Stack

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
PRODUCT_PAGE = """
query ProductPage($sku: String!) {
  product(sku: $sku) { name price { amount { amount } channelPrices { source } } onlineAvailability { quantity } }
}"""
SEARCH = "{ searchProducts(first: 3) { totalCount } }"


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    add_span_exporter(spans)
    yield spans
    spans.shutdown()


def of_trace(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.context and f"{s.context.trace_id:032x}" == TRACE_ID]


async def test_a_request_is_one_trace_continued_into_the_back_offices(stack: Stack,
                                                                      exporter: InMemorySpanExporter) -> None:
    exporter.clear()
    sku = next(p.sku for p in stack.world.products if not p.delisted and p.webshop_id is not None)
    body = await stack.graphql(PRODUCT_PAGE, {"sku": sku}, {**STAFF, "traceparent": TRACEPARENT})
    assert "errors" not in body

    spans = of_trace(exporter)
    by_name = {s.name: s for s in spans}
    server = by_name["POST /graphql"]
    assert server.parent is not None and f"{server.parent.span_id:016x}" == "00f067aa0ba902b7"
    operation = by_name["query ProductPage"]
    assert dict(operation.attributes or {}) == {"graphql.operation.type": "query",
                                                "graphql.operation.name": "ProductPage"}
    batches = [s for s in spans if s.attributes and "omnigate.loader" in s.attributes]
    assert {(s.attributes or {})["omnigate.system"] for s in batches} == {"erp", "pos", "webshop"}
    assert all((s.attributes or {})["omnigate.batch.size"] == 1 for s in batches)
    calls = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert {str((s.attributes or {})["omnigate.system"]) for s in calls} == {"erp", "pos", "webshop"}
    assert all("?" not in str((s.attributes or {})["url.path"]) for s in calls)
    assert all(sku not in str(s.attributes) for s in (server, operation))  # arguments are never recorded

    async with stack.http.get(f"{stack.sim_url}/_sim/traceparents") as r:
        received = (await r.json())["traceparents"]
    assert sum(TRACE_ID in t for t in received) == len(calls)


async def test_an_unkeyed_read_is_one_span_like_a_batch(stack: Stack, exporter: InMemorySpanExporter) -> None:
    exporter.clear()
    body = await stack.graphql(SEARCH, {}, {**STAFF, "traceparent": TRACEPARENT})
    assert "errors" not in body

    reads = [s for s in of_trace(exporter) if s.attributes and "omnigate.read" in s.attributes]
    assert [(s.name, dict(s.attributes or {})) for s in reads] == [
        ("erp product_search", {"omnigate.system": "erp", "omnigate.read": "product_search"})]
