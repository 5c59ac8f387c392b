"""The WebOrderChanges contract (today the web shop's): an order is placed, found, cancelled and refunded once per
key, even when the shop made the write and its reply was lost."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import aiohttp
import pytest

from connectors.credentials import DEMO_CREDENTIALS
from connectors.domain import (
    Address,
    Channel,
    FulfillmentMethod,
    NewOrderLine,
    NewRefund,
    NewWebOrder,
    OrderStatus,
    Purchase,
)
from connectors.errors import UpstreamRejected, UpstreamUnavailable
from connectors.ports import WebOrderChanges, WebOrders
from simulators.control import Faults
from simulators.world import DemoProduct, World

from .conftest import Upstream, implementation

API = "/wp-json/wc/v3"
POST_ORDERS = "POST /webshop/wp-json/wc/v3/orders"
POST_REFUNDS = "POST /webshop/wp-json/wc/v3/orders/{order_id}/refunds"
AUTH = {"Authorization": aiohttp.encode_basic_auth(DEMO_CREDENTIALS.webshop_key, DEMO_CREDENTIALS.webshop_secret)}
HOME = Address(line1="12 rue de la Paix", postal_code="75002", city="Paris", country_code="FR")


@pytest.fixture(params=["webshop"])
def changes(request: pytest.FixtureRequest) -> Upstream[WebOrderChanges]:
    return cast(Upstream[WebOrderChanges], implementation(request))


def online(world: World) -> list[DemoProduct]:
    return [p for p in world.products if p.webshop_id is not None and not p.delisted]


def shopper(world: World) -> str:
    return str(next(c.webshop_id for c in world.customers if c.webshop_id is not None))


def new_order(world: World, key: str, method: FulfillmentMethod = FulfillmentMethod.DELIVERY,
              customer_id: str | None = None, quantity: int = 2) -> NewWebOrder:
    first, second = online(world)[3:5]
    store = world.stores[1]
    at_store = method is not FulfillmentMethod.DELIVERY
    return NewWebOrder(
        key=key, channel=Channel.KIOSK if at_store else Channel.WEB, method=method,
        lines=(NewOrderLine(str(first.webshop_id), first.sku, quantity), NewOrderLine(str(second.webshop_id),
                                                                                      second.sku, 1)),
        placed_at=datetime.now(UTC), customer_id=customer_id,
        store_code=store.code if at_store else None, store_name=store.name if at_store else None,
        address=None if method is FulfillmentMethod.PICKUP_IN_STORE else HOME)


async def from_shop(upstream: Upstream[Any], path: str, **params: str) -> Any:
    async with aiohttp.ClientSession() as http, http.get(upstream.url + API + path, params=params,
                                                         headers=AUTH) as r:
        assert r.status == 200, await r.text()
        return await r.json()


def meta(row: dict[str, Any]) -> dict[str, Any]:
    return {m["key"]: m["value"] for m in row["meta_data"]}


async def keyed_orders(upstream: Upstream[Any], customer_id: str | None, key: str) -> list[dict[str, Any]]:
    rows = await from_shop(upstream, "/orders", customer=customer_id or "0", per_page="100")
    return [row for row in rows if meta(row).get("omnigate_idempotency_key") == key]


@pytest.mark.parametrize(("method", "guest"), [
    (FulfillmentMethod.DELIVERY, False), (FulfillmentMethod.PICKUP_IN_STORE, False),
    (FulfillmentMethod.PICKUP_IN_STORE, True), (FulfillmentMethod.SHIP_FROM_STORE, False),
])
async def test_each_method_is_placed_as_asked_and_read_back_alike(changes: Upstream[WebOrderChanges], world: World,
                                                                  method: FulfillmentMethod, guest: bool) -> None:
    # given an order of two articles
    order = new_order(world, f"place-{method.value}-{guest}", method, None if guest else shopper(world))
    # when it is placed
    placed = await changes.adapter.place_order(order)
    # then it is pending, from its channel, fulfilled as asked, for its customer, with its lines
    assert (placed.status, placed.channel, placed.customer_id) == (OrderStatus.PENDING, order.channel,
                                                                   order.customer_id)
    assert placed.fulfillment is not None and placed.fulfillment.method is method
    assert placed.fulfillment.store_code == order.store_code
    assert placed.fulfillment.address == order.address
    assert placed.store_code == (order.store_code if method is FulfillmentMethod.PICKUP_IN_STORE else None)
    assert [(line.sku, line.quantity) for line in placed.lines] == [(line.sku, line.quantity) for line in order.lines]
    fee = Decimal("0.00") if method is FulfillmentMethod.PICKUP_IN_STORE else Decimal("4.90")
    assert placed.total.amount == sum((line.total.amount for line in placed.lines), start=fee)
    # and the WebOrders port reads the same order
    assert await cast(WebOrders, changes.adapter).orders([placed.id]) == [placed]
    # and the shop holds it as the sheet's order body says
    row = await from_shop(changes, f"/orders/{placed.id}")
    assert (row["status"], row["customer_id"]) == ("pending", int(order.customer_id or 0))
    assert row["date_paid_gmt"] is None
    assert meta(row) == {"omnigate_idempotency_key": order.key, "omnigate_channel": order.channel.value,
                         "omnigate_fulfillment": method.value,
                         **({"omnigate_store_code": order.store_code} if order.store_code else {})}
    assert [(i["product_id"], i["quantity"]) for i in row["line_items"]] == [
        (int(line.product_id), line.quantity) for line in order.lines]
    [shipping] = row["shipping_lines"]
    expected = ("pickup_location", "0.00") if method is FulfillmentMethod.PICKUP_IN_STORE else ("flat_rate", "4.90")
    assert (shipping["method_id"], shipping["total"]) == expected
    line_meta = {m["key"]: m["value"] for m in shipping["meta_data"]}
    if method is FulfillmentMethod.PICKUP_IN_STORE:
        assert line_meta == {"pickup_location": order.store_name, "omnigate_store_code": order.store_code}
    elif method is FulfillmentMethod.SHIP_FROM_STORE:
        assert line_meta == {"omnigate_store_code": order.store_code}
    if order.address is not None:
        assert (row["shipping"]["address_1"], row["shipping"]["postcode"]) == (HOME.line1, HOME.postal_code)


async def test_a_lost_reply_is_found_not_placed_twice(changes: Upstream[WebOrderChanges], world: World) -> None:
    # given the shop makes orders but their replies are lost
    customer = shopper(world)
    order = new_order(world, "lost-order-1", customer_id=customer)
    changes.control.set_faults("webshop", Faults(lost_reply=True), route=POST_ORDERS)
    # when the order is placed
    placed = await changes.adapter.place_order(order)
    # then it was sent once, and the one order made is the one answered
    assert changes.route_calls(POST_ORDERS) == 1
    [row] = await keyed_orders(changes, customer, order.key)
    assert placed.id == str(row["id"])
    # and it is found by its key
    assert await changes.adapter.find_order(order.key, customer, order.placed_at) == placed


async def test_a_guest_order_whose_reply_was_lost_is_found(changes: Upstream[WebOrderChanges], world: World) -> None:
    # given a guest order placed while replies were lost
    changes.control.set_faults("webshop", Faults(lost_reply=True), route=POST_ORDERS)
    order = new_order(world, "lost-guest-1", FulfillmentMethod.PICKUP_IN_STORE)
    placed = await changes.adapter.place_order(order)
    changes.control.clear_faults()
    # when it is looked for after a crash, then it is the one order made
    found = await changes.adapter.find_order(order.key, None, order.placed_at)
    assert found == placed and len(await keyed_orders(changes, None, order.key)) == 1
    # and another key finds nothing
    assert await changes.adapter.find_order("never-placed", None, order.placed_at) is None


async def test_an_order_the_shop_did_not_make_is_sent_once_more(changes: Upstream[WebOrderChanges],
                                                                 world: World) -> None:
    # given placing orders answers 503 without making any
    customer = shopper(world)
    order = new_order(world, "down-order-1", customer_id=customer)
    changes.control.set_faults("webshop", Faults(down=True), route=POST_ORDERS)
    # when the order is placed, then it fails after one resend, and nothing was made
    with pytest.raises(UpstreamUnavailable):
        await changes.adapter.place_order(order)
    assert changes.route_calls(POST_ORDERS) == 2
    assert await keyed_orders(changes, customer, order.key) == []


async def test_a_refusal_is_not_sent_again(changes: Upstream[WebOrderChanges], world: World) -> None:
    # given an order for a customer the shop does not know, then the shop refuses it once
    with pytest.raises(UpstreamRejected):
        await changes.adapter.place_order(new_order(world, "bad-customer", customer_id="999999"))
    assert changes.route_calls(POST_ORDERS) == 1
    # and an order of a product the shop does not have is never sent
    unknown = new_order(world, "bad-product")
    with pytest.raises(UpstreamRejected):
        await changes.adapter.place_order(replace(unknown, lines=(NewOrderLine("999999", "NOPE", 1),)))
    assert changes.route_calls(POST_ORDERS) == 1


async def test_cancel_is_idempotent_and_unknown_orders_are_left(changes: Upstream[WebOrderChanges],
                                                                 world: World) -> None:
    placed = await changes.adapter.place_order(new_order(world, "cancel-1", customer_id=shopper(world)))
    await changes.adapter.cancel_order(placed.id)
    await changes.adapter.cancel_order(placed.id)
    [read] = await cast(WebOrders, changes.adapter).orders([placed.id])
    assert read is not None and read.status is OrderStatus.CANCELLED
    await changes.adapter.cancel_order("999999999")
    await changes.adapter.cancel_order("not-an-id")


async def refunds_of(upstream: Upstream[Any], order: Purchase) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await from_shop(upstream, f"/orders/{order.id}/refunds")
    return rows


async def test_a_refund_is_made_once_per_key(changes: Upstream[WebOrderChanges], world: World) -> None:
    # given a placed order of 2 + 1 units
    order = new_order(world, "refund-order-1", customer_id=shopper(world))
    placed = await changes.adapter.place_order(order)
    sku = placed.lines[0].sku
    assert sku is not None
    returned = NewRefund("refund-1", placed.id, ((sku, 1),), world.stores[2].code, "changed mind", datetime.now(UTC))
    # when one unit is refunded, twice under one key
    refund_id = await changes.adapter.refund(returned)
    assert await changes.adapter.refund(returned) == refund_id
    # then the shop holds one refund of one unit's price, paid back at the till and not restocked online
    [row] = await refunds_of(changes, placed)
    assert str(row["id"]) == refund_id and row["refunded_payment"] is False
    assert row["amount"] == f"{placed.lines[0].unit_price.amount:.2f}"
    assert meta(row) == {"omnigate_idempotency_key": "refund-1", "omnigate_store_code": world.stores[2].code}
    assert [(i["quantity"], i["sku"]) for i in row["line_items"]] == [(-1, sku)]
    assert row["reason"] == "changed mind"
    assert changes.route_calls(POST_REFUNDS) == 1


async def test_a_refund_whose_reply_was_lost_is_made_once(changes: Upstream[WebOrderChanges], world: World) -> None:
    placed = await changes.adapter.place_order(new_order(world, "refund-order-2", customer_id=shopper(world)))
    sku = placed.lines[1].sku
    assert sku is not None
    changes.control.set_faults("webshop", Faults(lost_reply=True), route=POST_REFUNDS)
    refund_id = await changes.adapter.refund(NewRefund("refund-2", placed.id, ((sku, 1),), world.stores[0].code,
                                                       None, datetime.now(UTC)))
    [row] = await refunds_of(changes, placed)
    assert str(row["id"]) == refund_id
    assert changes.route_calls(POST_REFUNDS) == 1


async def test_a_refund_of_units_the_order_does_not_hold_is_refused(changes: Upstream[WebOrderChanges],
                                                                    world: World) -> None:
    placed = await changes.adapter.place_order(new_order(world, "refund-order-3", customer_id=shopper(world)))
    sku = placed.lines[0].sku
    assert sku is not None
    for lines in (((sku, 3),), (("NOT-ON-THE-ORDER", 1),)):
        with pytest.raises(UpstreamRejected):
            await changes.adapter.refund(NewRefund(f"refund-{lines[0][0]}", placed.id, lines, world.stores[0].code,
                                                   None, datetime.now(UTC)))
    assert await refunds_of(changes, placed) == []


async def test_a_refund_over_what_is_left_is_refused_not_resent(changes: Upstream[WebOrderChanges],
                                                                world: World) -> None:
    # given a one-line click & collect order (no shipping fee) refunded in full
    order = new_order(world, "refund-order-4", FulfillmentMethod.PICKUP_IN_STORE, shopper(world))
    placed = await changes.adapter.place_order(replace(order, lines=order.lines[:1]))
    sku = placed.lines[0].sku
    assert sku is not None
    whole = NewRefund("refund-4a", placed.id, ((sku, 2),), world.stores[0].code, None, datetime.now(UTC))
    await changes.adapter.refund(whole)
    # when the same units are refunded again under another key, then the shop's 500 is a refusal, sent once
    with pytest.raises(UpstreamRejected):
        await changes.adapter.refund(replace(whole, key="refund-4b"))
    assert changes.route_calls(POST_REFUNDS) == 2
    assert len(await refunds_of(changes, placed)) == 1
