"""Dependent levels of upstream calls: a call that starts only after another one answered may depend on it.

With every back office answering after a fixed latency, the simulators' timeline (`/_sim/calls`) shows the
levels: a call is one level deeper than the deepest call that had ended when it started. What is keyed by a
sku the document names (price, stock, web shop record, accessories' list) is fetched beside the product's
ERP record, and the POS item ids were read at start, so the mobile product page needs two levels.
"""

from typing import Any

from tests.harness import Stack
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

LATENCY_MS = 30  # each call lasts at least this long, so a call that waited for another starts visibly later


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
