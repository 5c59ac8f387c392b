"""The Catalog contract (today the ERP's)."""

from typing import cast

import pytest

from connectors.ports import Catalog
from simulators.world import CATEGORIES, World

from .batches import assert_batch_contract
from .conftest import Upstream, implementation


@pytest.fixture(params=["erp"])
def catalog(request: pytest.FixtureRequest) -> Upstream[Catalog]:
    return cast(Upstream[Catalog], implementation(request))


async def test_products_are_aligned_with_their_skus(catalog: Upstream[Catalog], world: World) -> None:
    wanted = world.products[:30]

    found = await assert_batch_contract(catalog, catalog.adapter.products, [p.sku for p in wanted], "NOPE-1", None)

    assert [p.sku if p else None for p in found] == [p.sku for p in wanted]


async def test_category_names_and_relations_are_aligned(catalog: Upstream[Catalog], world: World) -> None:
    await assert_batch_contract(catalog, catalog.adapter.category_names, [c.erp_group for c in CATEGORIES],
                                "NOPE", None)
    catalog.control.reset_stats()
    await assert_batch_contract(catalog, catalog.adapter.relations, [p.sku for p in world.products[:30]],
                                "NOPE-1", ())


async def test_product_keys_cover_every_product(catalog: Upstream[Catalog], world: World) -> None:
    assert {sku for sku, _ in await catalog.adapter.product_keys()} == {p.sku for p in world.products}


async def test_search_pages_are_slices_of_one_listed_result(catalog: Upstream[Catalog], world: World) -> None:
    whole = await catalog.adapter.search(None, None, 0, 1000)
    page = await catalog.adapter.search(None, None, 5, 7)

    assert page.total == whole.total == len(whole.skus) == sum(not p.delisted for p in world.products)
    assert page.skus == whole.skus[5:12]
