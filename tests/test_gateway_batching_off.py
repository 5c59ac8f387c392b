"""`OMNIGATE_BATCH_MAX_KEYS`: the benchmark's "without batching" ablation. With it at 1 every key is its own
upstream call; by default the keys of one level share one."""

import pytest

from simulators.world import World
from tests.harness import Stack, running_stack
from tests.test_gateway_batching import ERP_PRICES, ERP_PRODUCT, sellable_products

PRICED = "query Priced($skus: [String!]!) { products(skus: $skus) { sku price { amount { amount } } } }"
N = 5


async def priced_calls(stack: Stack, skus: list[str]) -> dict[str, int]:
    await stack.reset_calls()
    data = await stack.data(PRICED, {"skus": skus})
    assert [p["sku"] for p in data["products"]] == skus
    assert all(p["price"]["amount"]["amount"] for p in data["products"])
    calls = await stack.calls()
    return {route: calls.get(route, 0) for route in (ERP_PRODUCT, ERP_PRICES)}


async def test_by_default_the_skus_of_one_level_share_one_call_per_kind_of_record(stack: Stack) -> None:
    skus = [p.sku for p in sellable_products(stack.world)[:N]]
    assert await priced_calls(stack, skus) == {ERP_PRODUCT: 1, ERP_PRICES: 1}


@pytest.mark.parametrize("bound, expected", [(1, N), (2, 3)])
async def test_a_bound_splits_the_batch_and_1_turns_batching_off(live_world: World, bound: int,
                                                                 expected: int) -> None:
    async with running_stack(live_world, {"OMNIGATE_BATCH_MAX_KEYS": str(bound)}) as stack:
        await stack.warm()
        skus = [p.sku for p in sellable_products(live_world)[:N]]
        assert await priced_calls(stack, skus) == {ERP_PRODUCT: expected, ERP_PRICES: expected}
        assert await priced_calls(stack, skus) == {ERP_PRODUCT: 0, ERP_PRICES: 0}  # the shared caches still hold
