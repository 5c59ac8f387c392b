"""The StoreSales contract (today the POS's): a sale leaves IN_STOCK once per key, unknown articles are False."""

from dataclasses import replace
from typing import cast

import pytest

from connectors.domain import Sale
from connectors.ports import StoreInventory, StoreSales
from simulators.world import World

from .conftest import Upstream, implementation


@pytest.fixture(params=["pos"])
def sales(request: pytest.FixtureRequest) -> Upstream[StoreSales]:
    return cast(Upstream[StoreSales], implementation(request))


async def test_a_sale_is_recorded_once_per_key(sales: Upstream[StoreSales], world: World) -> None:
    inventory = cast(StoreInventory, sales.adapter)
    store = world.stores[0]
    product = next(p for p in world.products if (f := world.store_stock(store, p)) and f.sellable >= 3)
    [before] = await inventory.stock([(product.gtin, store.code)])
    sale = Sale("hold-1", product.gtin, store.code, 2, world.now, key="omnigate-collect-hold-1")

    assert await sales.adapter.record_sales([sale, replace(sale, gtin="0000000000000")]) == [True, False]
    assert await sales.adapter.record_sales([sale]) == [True]  # a retry: Square answers the first response

    [after] = await inventory.stock([(product.gtin, store.code)])
    assert before is not None and after is not None and after.sellable == before.sellable - 2
