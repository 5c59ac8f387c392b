"""Stale-if-error, bounded: while a back office fails, what it last answered is served for a bounded time past
its TTL, named with its age in `extensions.staleSources` and `extensions.staleAges`; past the bound the field
is null with `UPSTREAM_UNAVAILABLE`, as if nothing were cached. Stock's bound is shorter than reference data's;
customer data is never served stale.

The gateway's clock is held still and moved by the test, so ages are exact and nothing sleeps: everything is
fetched at the instant the test starts, and a system is taken down through the simulators' `/_sim/faults`.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gateway.schema.relay import global_id
from simulators.world import DemoProduct, DemoStore, World
from tests.harness import Stack, running_stack
from tests.test_gateway_batching import CUSTOMER_360

PRODUCT_IN_STORE = """
query ProductInStore($sku: String!, $store: ID!) {
  product(sku: $sku) {
    name
    price { amount { amount } }
    availabilityInStore(storeId: $store) { quantity store { name } }
  }
}"""
# The TTLs and bounds the stack runs with, in seconds (the crosswalk of ids and the store index keep theirs:
# 600 and 300). Written out, not left to the defaults, so that each test's moment reads against them.
CATALOG_TTL_S, PRICE_TTL_S, STOCK_TTL_S = 300, 60, 5
STALE_REFERENCE_S, STALE_STOCK_S = 3600, 120
BOUNDS = {"OMNIGATE_CATALOG_TTL_S": str(CATALOG_TTL_S), "OMNIGATE_PRICE_TTL_S": str(PRICE_TTL_S),
          "OMNIGATE_STOCK_TTL_S": str(STOCK_TTL_S), "OMNIGATE_STALE_REFERENCE_S": str(STALE_REFERENCE_S),
          "OMNIGATE_STALE_STOCK_S": str(STALE_STOCK_S)}


class HeldClock:
    """The gateway's clock, held at the instant the test started and moved only by the test."""

    def __init__(self) -> None:
        self.start = datetime.now(UTC)
        self.ahead_s = 0

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=self.ahead_s)


@pytest.fixture
async def clock() -> HeldClock:
    return HeldClock()


async def stale_stack(world: World, clock: HeldClock, **environ: str) -> AsyncIterator[Stack]:
    async with running_stack(world, {**BOUNDS, **environ}, clock=clock) as stack:
        await stack.warm()
        yield stack


@pytest.fixture
async def held_stack(live_world: World, clock: HeldClock) -> AsyncIterator[Stack]:
    async for stack in stale_stack(live_world, clock):
        yield stack


@pytest.fixture
async def short_price_stack(live_world: World, clock: HeldClock) -> AsyncIterator[Stack]:
    async for stack in stale_stack(live_world, clock, OMNIGATE_STALE_PRICE_S="600"):
        yield stack


def stocked(world: World) -> tuple[DemoProduct, DemoStore]:
    """A product on the web shop with units in a store that is open."""
    for store in (s for s in world.stores if s.active):
        for product in (p for p in world.products if not p.delisted and p.webshop_id is not None):
            figure = world.store_stock(store, product)
            if figure is not None and figure.sellable > 0:
                return product, store
    raise AssertionError("no article in stock anywhere")


async def ask(stack: Stack) -> dict[str, Any]:
    product, store = stocked(stack.world)
    return await stack.graphql(PRODUCT_IN_STORE, {"sku": product.sku, "store": global_id("Store", store.code)})


def unavailable(body: dict[str, Any]) -> dict[str, str]:
    """Path -> source of each `UPSTREAM_UNAVAILABLE` error."""
    return {".".join(map(str, e["path"])): e["extensions"]["source"] for e in body.get("errors", [])
            if e["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"}


async def test_within_its_bound_reference_data_is_answered_stale_with_its_age(
        held_stack: Stack, clock: HeldClock) -> None:
    # given a product read once, then its ERP down for longer than every ERP TTL, within the bound
    fresh = await ask(held_stack)
    assert "extensions" not in fresh or "staleSources" not in fresh["extensions"]
    await held_stack.fault(system="erp", down=True)
    clock.ahead_s = 1000

    # when it is read again
    stale = await ask(held_stack)

    # then the answer is the last one, the ERP named as its stale source, and its age the time since the read
    assert "errors" not in stale and stale["data"] == fresh["data"]
    assert stale["extensions"]["staleSources"] == ["erp"]
    assert stale["extensions"]["staleAges"] == {"erp": 1000}


async def test_past_its_bound_reference_data_is_null_with_the_error(held_stack: Stack, clock: HeldClock) -> None:
    # given a product read once, then its ERP down until even the crosswalk's TTL and the bound are over
    await ask(held_stack)
    await held_stack.fault(system="erp", down=True)
    clock.ahead_s = 600 + STALE_REFERENCE_S

    # when it is read again
    body = await ask(held_stack)

    # then the product is null with the ERP's error, as if nothing had been cached, and nothing is flagged stale
    assert body["data"] == {"product": None}
    assert unavailable(body) == {"product": "erp"}
    assert "staleSources" not in body.get("extensions", {})


async def test_prices_may_have_a_bound_of_their_own(short_price_stack: Stack, clock: HeldClock) -> None:
    # given OMNIGATE_STALE_PRICE_S=600, a product read once, then its ERP down
    fresh = await ask(short_price_stack)
    await short_price_stack.fault(system="erp", down=True)

    # when it is read within the price's TTL and bound, then its price is answered stale
    clock.ahead_s = PRICE_TTL_S + 600 - 1
    within = await ask(short_price_stack)
    assert within["data"] == fresh["data"] and within["extensions"]["staleAges"] == {"erp": PRICE_TTL_S + 600 - 1}

    # when it is read past them, within the catalog's, then the price is missing with the ERP's error (a
    # product has a price: `Product.price` is not nullable, so the product is null)
    clock.ahead_s = PRICE_TTL_S + 600
    past = await ask(short_price_stack)
    assert past["data"] == {"product": None}
    assert unavailable(past) == {"product.price": "erp"}


async def test_stock_is_answered_stale_for_a_shorter_time_than_reference_data(
        held_stack: Stack, clock: HeldClock) -> None:
    # given stock in a store read once, then the POS down
    fresh = await ask(held_stack)
    await held_stack.fault(system="pos", down=True)

    # when it is read within the stock's bound, then the last count is answered, the POS named with its age
    clock.ahead_s = STOCK_TTL_S + STALE_STOCK_S - 1
    within = await ask(held_stack)
    assert "errors" not in within and within["data"] == fresh["data"]
    assert within["extensions"]["staleAges"] == {"pos": STOCK_TTL_S + STALE_STOCK_S - 1}

    # when it is read past the stock's bound, and past the TTL of the POS's store directory (300 s) but within
    # the reference bound, then the stock is null with the POS's error while the store is answered stale
    clock.ahead_s = 1000
    past = await ask(held_stack)
    assert unavailable(past) == {"product.availabilityInStore": "pos"}
    assert past["data"]["product"] == {**fresh["data"]["product"], "availabilityInStore": None}
    assert past["extensions"]["staleAges"] == {"pos": 1000}


async def test_a_system_back_up_is_read_again_and_the_flag_goes(held_stack: Stack, clock: HeldClock) -> None:
    # given a product answered stale while its ERP was down
    fresh = await ask(held_stack)
    await held_stack.fault(system="erp", down=True)
    clock.ahead_s = 1000
    assert (await ask(held_stack))["extensions"]["staleSources"] == ["erp"]

    # when the ERP is back, then once the gateway calls it again (its breaker, open after the failures, lets
    # a call through: real time, not the held clock), the product is read afresh and nothing is flagged stale
    await held_stack.fault(system="erp", down=False)
    back = await until_fresh(held_stack)
    assert back["data"] == fresh["data"] and "staleAges" not in back.get("extensions", {})

    # and when the ERP fails again later, the age counts from that read, not from the first
    await held_stack.fault(system="erp", down=True)
    clock.ahead_s = 1000 + 700
    assert (await ask(held_stack))["extensions"]["staleAges"] == {"erp": 700}


async def until_fresh(stack: Stack, within_s: float = 30.0) -> dict[str, Any]:
    """The first answer with nothing stale, asked again every 100 ms of real time."""
    deadline = asyncio.get_running_loop().time() + within_s
    while "staleSources" in (body := await ask(stack)).get("extensions", {}):
        assert asyncio.get_running_loop().time() < deadline, "still stale after the system came back"
        await asyncio.sleep(0.1)
    return body


async def test_customer_data_is_never_answered_stale(held_stack: Stack, clock: HeldClock) -> None:
    # given a customer read once, then the CRM down, a second later
    customer = next(c for c in held_stack.world.customers if c.card)
    assert (await held_stack.graphql(CUSTOMER_360, {"card": customer.card}))["data"]["customerByLoyaltyCard"]
    await held_stack.fault(system="crm", down=True)
    clock.ahead_s = 1

    # when the customer is read again, then nothing is served from before: null with the CRM's error
    body = await held_stack.graphql(CUSTOMER_360, {"card": customer.card})
    assert body["data"] == {"customerByLoyaltyCard": None}
    assert unavailable(body) == {"customerByLoyaltyCard": "crm"}
    assert "staleSources" not in body.get("extensions", {})
