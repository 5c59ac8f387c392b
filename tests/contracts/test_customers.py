"""The Customers contract (today the CRM's): every way of finding a customer answers the same record."""

from typing import cast

import pytest

from connectors.ports import Customers
from simulators.world import World
from simulators.world.customers import crm_id

from .batches import assert_batch_contract
from .conftest import Upstream, implementation

UNKNOWN_ID = crm_id("003", 9_000_000)


@pytest.fixture(params=["crm"])
def customers(request: pytest.FixtureRequest) -> Upstream[Customers]:
    return cast(Upstream[Customers], implementation(request))


async def test_customers_by_id_card_and_web_shop_id_agree(customers: Upstream[Customers], world: World) -> None:
    people = [c for c in world.customers if c.card and c.webshop_id is not None][:20]
    port = customers.adapter

    by_id = await assert_batch_contract(customers, port.customers, [c.crm_id for c in people], UNKNOWN_ID, None)
    customers.control.reset_stats()
    by_card = await assert_batch_contract(customers, port.customers_by_card, [str(c.card) for c in people],
                                          "LC-NO-SUCH-CARD", None)
    customers.control.reset_stats()
    by_web = await assert_batch_contract(customers, port.customers_by_webshop_id,
                                         [str(c.webshop_id) for c in people], "999999999", None)

    assert [r.id if r else None for r in by_id] == [c.crm_id for c in people]
    assert by_id == by_card == by_web


async def test_loyalty_and_notes_are_aligned_with_the_ids(customers: Upstream[Customers], world: World) -> None:
    ids = [c.crm_id for c in world.customers[:60]]

    await assert_batch_contract(customers, customers.adapter.loyalty, ids, UNKNOWN_ID, None)
    customers.control.reset_stats()
    notes = await assert_batch_contract(customers, customers.adapter.notes, ids, UNKNOWN_ID, ())

    assert all(list(n) == sorted(n, key=lambda note: note.created_at, reverse=True) for n in notes)
