"""Collecting a reservation sells it at the POS once; a hold past its time gives its units back (moved clock)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from simulators.world import World
from tests.direct import pos_sellable
from tests.harness import Stack, api_key, running_stack
from tests.test_gateway_reservations import NODE, STORE, customer, few_left, reserve
from tests.test_gateway_reservations_stock import seen_by_kiosk

COLLECT = """
mutation Collect($id: ID!) {
  collectReservation(id: $id) { reservation { id status } userErrors { field code } }
}"""
CANCEL = "mutation C($id: ID!) { cancelReservation(id: $id) { reservation { status } userErrors { field code } } }"


class MovedClock:
    """The gateway's clock, moved by the test: now plus however far it was moved."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
async def clock() -> MovedClock:
    return MovedClock()


@pytest.fixture
async def timed_stack(live_world: World, clock: MovedClock) -> AsyncIterator[Stack]:
    async with running_stack(live_world, clock=clock) as stack:
        await stack.warm()
        yield stack


async def test_the_store_collects_once_and_the_pos_records_the_sale_once(stack: Stack) -> None:
    product, left = few_left(stack)
    reservation = (await reserve(stack, customer(), sku=product.sku, quantity=2))["reservation"]["id"]
    kiosk = api_key(stack.keys.other_kiosk)

    for headers in (customer(), api_key(stack.keys.kiosk), {}):
        body = await stack.graphql(COLLECT, {"id": reservation}, headers)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    first = (await stack.data(COLLECT, {"id": reservation}, kiosk))["collectReservation"]
    again = (await stack.data(COLLECT, {"id": reservation}, kiosk))["collectReservation"]

    assert first == again == {"reservation": {"id": reservation, "status": "COLLECTED"}, "userErrors": []}
    counted = await pos_sellable(stack.http, stack.sim_url, [product.gtin], [STORE])
    assert counted == {(product.gtin, STORE): left - 2}
    assert (await seen_by_kiosk(stack, product))[0] == left - 2
    cancel = (await stack.data(CANCEL, {"id": reservation}, customer()))["cancelReservation"]
    assert cancel == {"reservation": {"status": "COLLECTED"}, "userErrors": [{"field": ["id"], "code": "CONFLICT"}]}


async def test_a_lapsed_hold_gives_its_units_back_and_can_no_longer_be_collected(
        timed_stack: Stack, clock: MovedClock) -> None:
    product, left = few_left(timed_stack)
    held = (await reserve(timed_stack, customer(), sku=product.sku, quantity=left))["reservation"]
    reservation = held["id"]
    assert (await seen_by_kiosk(timed_stack, product))[0] == 0

    clock.ahead = datetime.fromisoformat(held["expiresAt"]) - datetime.now(UTC) + timedelta(seconds=1)

    assert await seen_by_kiosk(timed_stack, product) == (left, left, True, True)
    node = (await timed_stack.data(NODE, {"id": reservation}, customer()))["node"]
    assert node["status"] == "EXPIRED"
    collect = (await timed_stack.data(COLLECT, {"id": reservation}, api_key(timed_stack.keys.other_kiosk)))
    assert collect["collectReservation"] == {"reservation": {"id": reservation, "status": "EXPIRED"},
                                             "userErrors": [{"field": ["id"], "code": "CONFLICT"}]}
    counted = await pos_sellable(timed_stack.http, timed_stack.sim_url, [product.gtin], [STORE])
    assert counted == {(product.gtin, STORE): left}


async def test_with_the_pos_down_nothing_is_held_or_sold_and_the_key_is_not_used_up(stack: Stack) -> None:
    product, left = few_left(stack)
    held = (await reserve(stack, customer(), sku=product.sku, key="held"))["reservation"]["id"]
    down = {"field": None, "code": "UPSTREAM_UNAVAILABLE", "message": "the POS could not count the stock; retry"}

    await stack.fault(system="pos", down=True)
    assert await reserve(stack, customer(), sku=product.sku, key="later") == {"reservation": None,
                                                                               "userErrors": [down]}
    await stack.fault(system="pos", down=False)
    later = await reserve(stack, customer(), sku=product.sku, key="later")  # run again, not replayed
    assert later["userErrors"] == [] and later["reservation"]["quantity"] == 1

    await stack.fault(system="pos", down=True)
    not_sold = (await stack.data(COLLECT, {"id": held}, api_key(stack.keys.other_kiosk)))["collectReservation"]
    assert not_sold == {"reservation": {"id": held, "status": "ACTIVE"},
                        "userErrors": [{"field": None, "code": "UPSTREAM_UNAVAILABLE"}]}
    await stack.fault(system="pos", down=False)
    counted = await pos_sellable(stack.http, stack.sim_url, [product.gtin], [STORE])
    assert counted == {(product.gtin, STORE): left}
