"""The OnlineCatalog contract (today the web shop's)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast

import aiohttp
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


async def test_changed_since_lists_exactly_the_products_written_after_the_moment(
        online: Upstream[OnlineCatalog], world: World, session: aiohttp.ClientSession) -> None:
    # given a moment after every seeded change, and then one product written through the shop's API
    moment = datetime.now(UTC) - timedelta(seconds=1)
    before = await online.adapter.changed_since(moment)
    product = next(p for p in world.products if p.webshop_id is not None and not p.delisted)
    async with session.post(f"{online.url}/wp-json/wc/v3/products/batch",
                            json={"update": [{"id": product.webshop_id,
                                              "regular_price": euros(product.webshop_price)}]},
                            params={"consumer_key": "ck_demo", "consumer_secret": "cs_demo"}) as r:
        assert r.status == 200, await r.text()

    # when the products changed since that moment are asked for
    after = await online.adapter.changed_since(moment)

    # then nothing was listed before the write, and the written product (with its price) after it
    assert before == {}
    listed = after[str(product.webshop_id)]
    assert set(after) == {str(product.webshop_id)} and listed is not None
    assert listed.product_id == str(product.webshop_id)


def euros(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2).quantize(Decimal("0.01")))
