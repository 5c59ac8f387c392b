"""`/metrics`: Prometheus text that parses, counters that move with traffic, bounded labels, and readers as
`OMNIGATE_METRICS_ACCESS` says."""

from collections.abc import AsyncIterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from simulators.world import World
from tests.harness import SAFELISTED, STAFF, Stack, api_key, running_stack

PRODUCT = "query ProductName($sku: String!) { product(sku: $sku) { name price { amount { amount } } } }"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(stack: Stack, headers: dict[str, str] | None = None) -> Samples:
    async with stack.http.get(f"{stack.gateway_url}/metrics", headers=headers or {}) as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await r.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_counters_move_with_traffic(stack: Stack) -> None:
    # given a scrape before any traffic of ours
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    before = await scrape(stack)

    # when a named query runs twice (the second from the shared caches) and a document fails to parse
    await stack.data(PRODUCT, {"sku": sku})
    await stack.data(PRODUCT, {"sku": sku})
    await stack.graphql("{ nope", {})

    # then requests are counted by operation and outcome, timed, and the back-office calls and caches too
    after = await scrape(stack)
    assert value(after, "omnigate_graphql_requests_total", operation="ProductName", outcome="ok") - value(
        before, "omnigate_graphql_requests_total", operation="ProductName", outcome="ok") == 2
    assert value(after, "omnigate_graphql_requests_total", operation="unknown", outcome="rejected") - value(
        before, "omnigate_graphql_requests_total", operation="unknown", outcome="rejected") == 1
    assert value(after, "omnigate_graphql_request_duration_seconds_count", operation="ProductName") == 2
    assert value(after, "omnigate_upstream_calls_total", system="erp", outcome="ok") > value(
        before, "omnigate_upstream_calls_total", system="erp", outcome="ok")
    assert value(after, "omnigate_upstream_call_duration_seconds_count", system="erp") >= 1
    assert value(after, "omnigate_cache_lookups_total", cache="products", result="miss") == 1
    assert value(after, "omnigate_cache_lookups_total", cache="products", result="hit") == 1
    assert value(after, "omnigate_graphql_in_flight") == 0
    assert value(after, "omnigate_saga_undos_pending") == 0


async def test_upstream_failures_are_counted_by_system(stack: Stack) -> None:
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    await stack.fault(system="erp", down=True)
    body = await stack.graphql(PRODUCT, {"sku": sku})
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"

    after = await scrape(stack)
    assert value(after, "omnigate_upstream_calls_total", system="erp", outcome="failed") >= 1
    # the product's batch, and maybe its price's: asked at once with the record, it may still be retrying when
    # the answer (product null) leaves
    assert value(after, "omnigate_upstream_errors_total", system="erp", error="UpstreamUnavailable") in (1, 2)
    assert value(after, "omnigate_graphql_requests_total", operation="ProductName", outcome="partial") == 1


@pytest.fixture
async def one_name(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, {"OMNIGATE_METRICS_OPERATION_NAMES": "1"}) as stack:
        yield stack


async def test_operation_names_are_bounded_but_the_safelists_are_always_labelled(one_name: Stack) -> None:
    # given room for one name of the clients' choosing
    for name in ("First", "Second", "Third"):
        await one_name.data(f"query {name} {{ stores(first: 1) {{ totalCount }} }}")
    await one_name.data(SAFELISTED)
    await one_name.data("{ stores(first: 1) { totalCount } }")

    samples = await scrape(one_name)
    labelled = {dict(labels)["operation"] for name, labels in samples if name == "omnigate_graphql_requests_total"}
    assert labelled == {"First", "other", "Stores", "anonymous"}
    assert value(samples, "omnigate_graphql_requests_total", operation="other", outcome="ok") == 2


@pytest.fixture
async def operators_only(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, {"OMNIGATE_METRICS_ACCESS": "operators"}) as stack:
        yield stack


async def test_operators_only_metrics_take_a_router_key_or_a_staff_token(operators_only: Stack) -> None:
    async with operators_only.http.get(f"{operators_only.gateway_url}/metrics") as r:
        assert r.status == 401
    async with operators_only.http.get(f"{operators_only.gateway_url}/metrics",
                                       headers=api_key(operators_only.keys.partner)) as r:
        assert r.status == 403
    assert "omnigate_graphql_in_flight" in {n for n, _ in await scrape(operators_only,
                                                                       api_key(operators_only.keys.router))}
    assert await scrape(operators_only, STAFF)


async def test_metrics_can_be_switched_off(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_METRICS_ACCESS": "off"}) as stack, \
            stack.http.get(f"{stack.gateway_url}/metrics", headers=STAFF) as r:
        assert r.status == 404
