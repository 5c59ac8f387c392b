"""Reference data cached across requests: shared by everyone, one call for concurrent misses, stale on
failure (and said so), never customer data."""

import asyncio

from simulators.world import World
from tests.harness import Stack, running_stack
from tests.test_gateway_batching import CUSTOMER_360, MOBILE_PRODUCT_PAGE, PARIS, sellable_products

PRODUCT = 'query($sku: String!) { product(sku: $sku) { name price { amount { amount } } } }'


async def test_a_second_request_for_the_same_product_reads_no_back_office(stack: Stack) -> None:
    product = next(p for p in sellable_products(stack.world) if p.relations)
    variables = {"sku": product.sku, "near": PARIS}
    await stack.data(MOBILE_PRODUCT_PAGE, variables)
    await stack.reset_calls()
    await stack.data(MOBILE_PRODUCT_PAGE, variables)
    assert await stack.calls() == {}


async def test_customer_data_is_read_again_for_every_request(stack: Stack) -> None:
    c = next(c for c in stack.world.customers if c.card and c.webshop_id and stack.world.history.wishlist(c))
    await stack.data(CUSTOMER_360, {"card": c.card})
    await stack.reset_calls()
    await stack.data(CUSTOMER_360, {"card": c.card})
    calls = await stack.calls()
    assert calls["GET /crm/services/data/v60.0/query"] == 3
    assert calls["GET /webshop/wp-json/wc/v3/orders"] == 1
    assert "GET /erp/sap/opu/odata4/sap/api_product/srvd_a2x/sap/product/0002/Product" not in calls


async def test_concurrent_misses_for_one_product_make_one_call(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_MAX_IN_FLIGHT": "50"}) as stack:  # all 50 run at once
        await stack.warm()
        await stack.reset_calls()
        sku = sellable_products(stack.world)[7].sku
        await asyncio.gather(*(stack.data(PRODUCT, {"sku": sku}) for _ in range(50)))
        calls = await stack.calls()
    assert calls["GET /erp/sap/opu/odata4/sap/api_product/srvd_a2x/sap/product/0002/Product"] == 1
    assert calls["GET /erp/sap/opu/odata/sap/API_SLSPRICINGCONDITIONRECORD_SRV/A_SlsPrcgCndnRecdValidity"] == 1


async def test_past_its_ttl_a_cached_answer_is_served_stale_while_its_system_is_down(live_world: World) -> None:
    ttl = {"OMNIGATE_CATALOG_TTL_S": "0.2", "OMNIGATE_PRICE_TTL_S": "0.2", "OMNIGATE_STOCK_TTL_S": "0.2"}
    async with running_stack(live_world, ttl) as stack:
        sku = sellable_products(stack.world)[3].sku
        fresh = await stack.graphql(PRODUCT, {"sku": sku})
        assert "staleSources" not in fresh.get("extensions", {})
        await asyncio.sleep(0.3)
        await stack.fault(system="erp", down=True)
        stale = await stack.graphql(PRODUCT, {"sku": sku})
        assert "errors" not in stale and stale["data"] == fresh["data"]
        assert stale["extensions"]["staleSources"] == ["erp"]
        never_seen = await stack.graphql(PRODUCT, {"sku": sellable_products(stack.world)[4].sku})
        assert never_seen["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
