"""The fault matrix: one step of click & collect, ship from store or a return fails (`/_sim/faults` on its
route); the client gets a userError, and afterwards no hold, order, refund or stock move is left half-done."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gateway.appkeys import BACKENDS_KEY
from gateway.auth.principals import Role
from tests.direct import webshop_orders_since
from tests.harness import Stack, bearer
from tests.ordering import HOME, PICKUP_STORE, SHIPPING_STORE, online_with_few_left, order_id, place, shop_time, shopper
from tests.sagas import (
    INVENTORY_COUNTS,
    ORDERS,
    clear_faults,
    fail_route,
    journaled,
    until_journal_empty,
)

METHODS: dict[str, dict[str, Any]] = {"PICKUP_IN_STORE": {"store": PICKUP_STORE},
                                    "SHIP_FROM_STORE": {"store": SHIPPING_STORE, "address": HOME}}


async def held(stack: Stack, sku: str, store: str) -> int:
    [units] = await stack.app[BACKENDS_KEY].reservations.held([(sku, store)], datetime.now(UTC))
    return units


async def orders_since(stack: Stack, since: datetime) -> list[dict[str, Any]]:
    return await webshop_orders_since(stack.http, stack.sim_url, shop_time(since - timedelta(seconds=1)))


async def attempt(stack: Stack, method: str, key: str = "o1") -> tuple[dict[str, Any], str, str]:
    """(payload, sku, store) of one unit ordered by a shopper with a web shop account."""
    options = METHODS[method]
    product, _ = online_with_few_left(stack, str(options["store"]))
    payload = await place(stack, bearer(Role.CUSTOMER, shopper(stack).crm_id), lines=[(product.sku, 1)],
                          fulfillment=method, key=key, **options)
    return payload, product.sku, str(options["store"])


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


@pytest.mark.parametrize("method", METHODS)
async def test_the_pos_failing_to_count_stops_the_order_before_any_write(stack: Stack, method: str) -> None:
    since = datetime.now(UTC)
    await fail_route(stack, "pos", f"POST {INVENTORY_COUNTS}", down=True)

    payload, sku, store = await attempt(stack, method)

    assert (payload["order"], codes(payload)) == (None, ["UPSTREAM_UNAVAILABLE"])
    assert (await held(stack, sku, store), await orders_since(stack, since), await journaled(stack)) == (0, [], [])


@pytest.mark.parametrize("method", METHODS)
async def test_the_web_shop_refusing_the_order_releases_the_hold(stack: Stack, method: str) -> None:
    since = datetime.now(UTC)
    await fail_route(stack, "webshop", f"POST {ORDERS}", down=True)

    payload, sku, store = await attempt(stack, method)

    assert (payload["order"], codes(payload)) == (None, ["UPSTREAM_UNAVAILABLE"])
    assert (await held(stack, sku, store), await orders_since(stack, since), await journaled(stack)) == (0, [], [])
    await clear_faults(stack)
    retried, _, _ = await attempt(stack, method)  # the key was not kept: the same request now goes through
    assert retried["userErrors"] == [] and await held(stack, sku, store) == 1


@pytest.mark.parametrize("method", METHODS)
async def test_a_lost_reply_is_found_by_its_key_not_placed_twice(stack: Stack, method: str) -> None:
    since = datetime.now(UTC)
    await fail_route(stack, "webshop", f"POST {ORDERS}", lost_reply=True)

    payload, sku, store = await attempt(stack, method)

    assert payload["userErrors"] == []
    assert [str(o["id"]) for o in await orders_since(stack, since)] == [order_id(payload["order"]["id"])]
    assert (await held(stack, sku, store), await journaled(stack)) == (1, [])


@pytest.mark.parametrize("method", METHODS)
async def test_an_undo_that_fails_is_journaled_and_done_once_the_shop_is_back(stack: Stack, method: str) -> None:
    since = datetime.now(UTC)
    await fail_route(stack, "webshop", f"POST {ORDERS}", lost_reply=True)  # the order is made, the reply lost
    await fail_route(stack, "webshop", f"GET {ORDERS}", down=True)  # and it cannot be found, nor undone

    payload, sku, store = await attempt(stack, method)

    assert (payload["order"], codes(payload)) == (None, ["UPSTREAM_UNAVAILABLE"])
    assert "being undone" in payload["userErrors"][0]["message"]
    assert await held(stack, sku, store) == 0
    assert [entry.split()[0] for entry in await journaled(stack)] == ["CANCEL_WEB_ORDER"]
    await clear_faults(stack)  # the shop is back (its order list was down: the orphan is read only now)
    await until_journal_empty(stack)
    [orphan] = await orders_since(stack, since)
    assert orphan["status"] == "cancelled"
