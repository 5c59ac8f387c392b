"""The StoreInventory contract (today the POS's)."""

from typing import cast

import pytest

from connectors.ports import StoreInventory
from simulators.world import World

from .batches import assert_batch_contract
from .conftest import Upstream, implementation


@pytest.fixture(params=["pos"])
def inventory(request: pytest.FixtureRequest) -> Upstream[StoreInventory]:
    return cast(Upstream[StoreInventory], implementation(request))


async def test_stock_is_aligned_with_its_pairs(inventory: Upstream[StoreInventory], world: World) -> None:
    store = world.stores[0].code
    pairs = [(p.gtin, store) for p in world.products[:40]]

    found = await assert_batch_contract(inventory, inventory.adapter.stock, pairs, ("0000000000000", store), None)

    assert all(level.sellable >= 0 for level in found if level)


async def test_stock_in_store_is_what_sells_now_and_nothing_for_an_unknown_store(
        inventory: Upstream[StoreInventory], world: World) -> None:
    levels = await inventory.adapter.stock_in_store(world.stores[0].code)

    assert levels and all(level.sellable > 0 for level in levels)
    assert await inventory.adapter.stock_in_store("NOWHERE") == []
