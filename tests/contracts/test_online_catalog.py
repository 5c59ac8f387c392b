"""The OnlineCatalog contract (today the web shop's)."""

from typing import cast

import pytest

from connectors.ports import OnlineCatalog
from simulators.world import World

from .batches import assert_batch_contract
from .conftest import Upstream, implementation


@pytest.fixture(params=["webshop"])
def online(request: pytest.FixtureRequest) -> Upstream[OnlineCatalog]:
    return cast(Upstream[OnlineCatalog], implementation(request))


async def test_products_are_aligned_with_their_ids(online: Upstream[OnlineCatalog], world: World) -> None:
    ids = [str(p.webshop_id) for p in world.products if p.webshop_id is not None][:30]

    found = await assert_batch_contract(online, online.adapter.products, ids, "999999", None)

    assert [p.product_id if p else None for p in found] == ids


async def test_product_keys_name_every_product_sold_online(online: Upstream[OnlineCatalog], world: World) -> None:
    ids = {product_id for product_id, _ in await online.adapter.product_keys()}

    assert ids == {str(p.webshop_id) for p in world.products if p.webshop_id is not None}
