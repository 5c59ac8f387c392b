"""The WebOrders contract (today the web shop's): an order read by id is the one in its customer's history."""

from typing import cast

import pytest

from connectors.ports import WebOrders
from simulators.world import World

from .batches import assert_batch_contract
from .conftest import Upstream, implementation


@pytest.fixture(params=["webshop"])
def orders(request: pytest.FixtureRequest) -> Upstream[WebOrders]:
    return cast(Upstream[WebOrders], implementation(request))


async def test_orders_of_customers_and_by_id_agree_newest_first(orders: Upstream[WebOrders], world: World) -> None:
    shoppers = [str(c.webshop_id) for c in world.customers if c.webshop_id is not None][:15]

    histories = await assert_batch_contract(orders, orders.adapter.orders_of, shoppers, "999999", ())
    known = [p for history in histories for p in history][:20]
    orders.control.reset_stats()
    by_id = await assert_batch_contract(orders, orders.adapter.orders, [p.id for p in known], "999999", None)

    assert by_id == known
    assert all(list(h) == sorted(h, key=lambda p: p.occurred_at, reverse=True) for h in histories)
