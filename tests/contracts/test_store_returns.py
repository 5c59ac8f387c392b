"""The StoreReturns contract (today the POS's): units brought back go SOLD→IN_STOCK once per key; unknown articles
are False."""

from dataclasses import replace
from typing import cast

import pytest

from connectors.domain import Sale
from connectors.ports import StoreInventory, StoreReturns, StoreSales
from simulators.world import World

from .conftest import Upstream, implementation

BATCH_CHANGE = "POST /pos/v2/inventory/changes/batch-create"


@pytest.fixture(params=["pos"])
def returns(request: pytest.FixtureRequest) -> Upstream[StoreReturns]:
    return cast(Upstream[StoreReturns], implementation(request))


async def test_a_return_is_recorded_once_per_key(returns: Upstream[StoreReturns], world: World) -> None:
    inventory = cast(StoreInventory, returns.adapter)
    store = world.stores[1]
    product = next(p for p in world.products if (f := world.store_stock(store, p)) and f.sellable >= 3)
    [before] = await inventory.stock([(product.gtin, store.code)])
    # given two units sold at the store
    sale = Sale("hold-7", product.gtin, store.code, 2, world.now, key="omnigate-collect-hold-7")
    assert await cast(StoreSales, returns.adapter).record_sales([sale]) == [True]
    # when they are brought back, and the return is sent again under its key
    back = Sale("refund-7", product.gtin, store.code, 2, world.now, key="omnigate-return-refund-7")
    returns.control.reset_stats()
    assert await returns.adapter.record_returns([back, replace(back, gtin="0000000000000", key="x")]) == [True, False]
    assert await returns.adapter.record_returns([back]) == [True]
    # then the store can sell them again, once
    [after] = await inventory.stock([(product.gtin, store.code)])
    assert before is not None and after is not None and after.sellable == before.sellable
    assert returns.control.stats()["systems"]["pos"]["routes"][BATCH_CHANGE] == 2  # type: ignore[index]


async def test_returns_raise_the_count(returns: Upstream[StoreReturns], world: World) -> None:
    inventory = cast(StoreInventory, returns.adapter)
    store = world.stores[0]
    product = next(p for p in world.products if (f := world.store_stock(store, p)) and f.sellable >= 1)
    [before] = await inventory.stock([(product.gtin, store.code)])
    back = Sale("refund-8", product.gtin, store.code, 3, world.now, key="omnigate-return-refund-8")
    assert await returns.adapter.record_returns([back]) == [True]
    [after] = await inventory.stock([(product.gtin, store.code)])
    assert before is not None and after is not None and after.sellable == before.sellable + 3
