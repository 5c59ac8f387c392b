"""Dependent levels of upstream calls: a call that starts only after another one answered may depend on it.

With every back office answering after a fixed latency, the simulators' timeline (`/_sim/calls`) shows the
levels: a call is one level deeper than the deepest call that had ended when it started. What is keyed by a
sku the document names (price, stock, web shop record, accessories' list) is fetched beside the product's
ERP record, and the POS item ids were read at start, so the mobile product page needs two levels.
"""

import asyncio
from typing import Any

from gateway.schema.relay import global_id
from simulators.world import World
from tests.harness import Stack, running_stack
from tests.test_gateway_batching import (
    ERP_PRICES,
    ERP_PRODUCT,
    ERP_RELATIONS,
    MOBILE_PRODUCT_PAGE,
    PARIS,
    POS_CATALOG,
    POS_COUNTS,
    WEB_PRODUCTS,
    sellable_products,
)
from tests.test_gateway_stale import HeldClock

LATENCY_MS = 30  # each call lasts at least this long, so a call that waited for another starts visibly later
POS_ARTICLES_TTL_S = 600
POS_LOCATIONS = "GET /pos/v2/locations"
STOCK = "query($sku: String!, $store: ID!) { product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } } }"


async def pos_calls(stack: Stack) -> dict[str, int]:
    return {route: n for route, n in (await stack.calls()).items() if route.split()[1].startswith("/pos/")}


def levels(calls: list[dict[str, Any]]) -> list[set[str]]:
    """The routes called at each level, shallowest first."""
    depth: list[int] = []
    for call in calls:  # oldest first: whatever ended before a call started is already placed
        before = [d for d, other in zip(depth, calls, strict=False) if other["end"] <= call["start"]]
        depth.append(1 + max(before, default=0))
    found: list[set[str]] = [set() for _ in range(max(depth, default=0))]
    for d, call in zip(depth, calls, strict=True):
        found[d - 1].add(call["route"])
    return found


async def test_the_cold_mobile_product_page_calls_the_back_offices_in_two_dependent_levels(stack: Stack) -> None:
    # given every back office answering after 30 ms and nothing of the product cached
    product = next(p for p in sellable_products(stack.world) if p.relations)
    await stack.fault(latency_ms=LATENCY_MS)
    await stack.reset_calls()
    # when a phone shows the product's page
    await stack.data(MOBILE_PRODUCT_PAGE, {"sku": product.sku, "near": PARIS})
    # then the product, its price, its accessories' list, its stock in stores and the other systems' prices
    # start at once, and only the accessories' records and prices wait for an answer
    assert levels(await stack.timeline()) == [
        {ERP_PRODUCT, ERP_PRICES, ERP_RELATIONS, POS_COUNTS, POS_CATALOG, WEB_PRODUCTS},
        {ERP_PRODUCT, ERP_PRICES},
    ]


async def test_the_pos_article_index_is_read_again_in_the_background_once_past_its_ttl(live_world: World) -> None:
    clock = HeldClock()
    async with running_stack(live_world, clock=clock) as stack:
        await stack.warm()
        product = sellable_products(stack.world)[0]
        store = global_id("Store", next(s for s in stack.world.stores if s.active).code)
        await stack.reset_calls()
        # given the index read at start, within its TTL a stock read is its count only
        await stack.data(STOCK, {"sku": product.sku, "store": store})
        assert await pos_calls(stack) == {POS_COUNTS: 1}
        # when a stock read comes past the index's TTL
        clock.ahead_s = POS_ARTICLES_TTL_S + 1
        await stack.data(STOCK, {"sku": sellable_products(stack.world)[1].sku, "store": store})
        # then the whole catalog is listed again (one page: fewer than 1,000 variations), beside the read
        for _ in range(500):
            if POS_CATALOG in await pos_calls(stack):
                break
            await asyncio.sleep(0.01)
        assert await pos_calls(stack) == {POS_CATALOG: 1, POS_COUNTS: 2, POS_LOCATIONS: 1}  # the stores' TTL too
