"""Web shop simulator: `/orders/{id}/refunds`, listing and creating refunds."""

from collections.abc import AsyncIterator

import pytest

from simulators.world import WebOrder, World

from .test_sim_webshop_support import ShopClient, cents, online, running, shop_customers

UNKNOWN_ORDER = {"code": "woocommerce_rest_invalid_order_id", "message": "Invalid order ID.", "data": 404}
NEGATIVE = {"code": "woocommerce_rest_invalid_order_refund", "message": "Refund amount must be greater than zero.",
            "data": 400}
TOO_MUCH = {"code": "woocommerce_rest_cannot_create_order_refund", "message": "Invalid refund amount.", "data": 500}
NO_GATEWAY = {"code": "woocommerce_rest_cannot_create_order_refund",
              "message": "The payment gateway for this order does not exist.", "data": 500}
REFUND_FIELDS = {"id", "date_created", "date_created_gmt", "amount", "reason", "refunded_by", "refunded_payment",
                 "meta_data", "line_items"}


@pytest.fixture
async def shop(world: World) -> AsyncIterator[ShopClient]:
    async with running(world) as client:
        yield client


def history_order(world: World, status: str) -> WebOrder:
    return next(o for c in shop_customers(world) for o in world.history.web_orders(c) if o.status == status)


async def test_a_refunded_history_order_lists_its_refund(shop: ShopClient, world: World) -> None:
    # given a world order that was refunded
    order = history_order(world, "refunded")
    # when its refunds are listed, and the order read
    refunds = await shop.walk(f"/orders/{order.id}/refunds")
    row = await shop.ok("GET", f"/orders/{order.id}")
    # then one refund of the whole total is there, and the order points at it
    (refund,) = refunds
    assert refund.keys() >= REFUND_FIELDS
    assert cents(refund["amount"]) == order.total
    assert row["refunds"] == [{"id": refund["id"], "reason": "", "total": "-" + refund["amount"]}]


async def test_a_partial_refund_is_201_and_read_back(shop: ShopClient, world: World) -> None:
    # given a completed order and its first line
    order = history_order(world, "completed")
    line = (await shop.ok("GET", f"/orders/{order.id}"))["line_items"][0]
    # when one unit of it is refunded without going through the gateway
    reply = await shop.call("POST", f"/orders/{order.id}/refunds", body={
        "amount": "1.00", "reason": "Retour magasin", "api_refund": False,
        "line_items": [{"id": line["id"], "quantity": 1, "refund_total": 1.0}],
        "meta_data": [{"key": "omnigate_idempotency_key", "value": "r-1"}]})
    # then it is created, listed, and the order keeps its status with the refund recorded
    assert reply.status == 201, reply.body
    refund = reply.body
    assert (refund["amount"], refund["reason"], refund["refunded_payment"]) == ("1.00", "Retour magasin", False)
    assert refund["line_items"][0]["quantity"] == -1
    assert reply.headers["Location"].endswith(f"/orders/{order.id}/refunds/{refund['id']}")
    assert [r["id"] for r in await shop.ok("GET", f"/orders/{order.id}/refunds")] == [refund["id"]]
    after = await shop.ok("GET", f"/orders/{order.id}")
    assert after["status"] == "completed" and after["refunds"][0]["total"] == "-1.00"


async def test_refunding_the_rest_marks_the_order_refunded(shop: ShopClient, world: World) -> None:
    # given a completed order
    order = history_order(world, "completed")
    amount = f"{order.total // 100}.{order.total % 100:02d}"
    # when all of it is refunded through the gateway
    refund = await shop.ok("POST", f"/orders/{order.id}/refunds", {"amount": amount})
    # then the payment was refunded and the order is refunded
    assert refund["refunded_payment"] is True
    assert (await shop.ok("GET", f"/orders/{order.id}"))["status"] == "refunded"


@pytest.mark.parametrize(("amount", "expected"), [("-5.00", NEGATIVE), ("999999.00", TOO_MUCH)])
async def test_bad_amounts_are_woocommerce_500s(shop: ShopClient, world: World, amount: str,
                                               expected: dict[str, object]) -> None:
    # given a completed order
    order = history_order(world, "completed")
    # when a negative amount, or more than it cost, is refunded
    reply = await shop.call("POST", f"/orders/{order.id}/refunds", body={"amount": amount, "api_refund": False})
    # then WordPress answers 500 with the bare status WooCommerce gave as data, and nothing was refunded
    assert (reply.status, reply.body) == (500, expected)
    assert await shop.ok("GET", f"/orders/{order.id}/refunds") == []


async def test_refunding_an_unknown_order_is_a_500_with_data_404(shop: ShopClient) -> None:
    # when an order that does not exist is refunded
    reply = await shop.call("POST", "/orders/77/refunds", body={"amount": "1.00"})
    # then the refund controller's quirk shows
    assert (reply.status, reply.body) == (500, UNKNOWN_ORDER)


async def test_an_amount_sent_as_a_number_is_refused(shop: ShopClient, world: World) -> None:
    # given a completed order
    order = history_order(world, "completed")
    # when the amount is a JSON number instead of a string
    reply = await shop.call("POST", f"/orders/{order.id}/refunds", body={"amount": 1})
    # then the schema check refuses it
    assert reply.status == 400
    assert reply.body["data"]["params"] == {"amount": "amount is not of type string."}


async def test_a_gateway_refund_needs_the_orders_gateway(shop: ShopClient, world: World) -> None:
    # given an order created without a payment method
    created = await shop.ok("POST", "/orders", {"line_items": [{"sku": online(world)[0].webshop_sku, "quantity": 1}],
                                                "set_paid": True})
    # when it is refunded through the gateway (the default)
    reply = await shop.call("POST", f"/orders/{created['id']}/refunds", body={"amount": "0.00"})
    # then WooCommerce cannot find a gateway to refund with
    assert (reply.status, reply.body) == (500, NO_GATEWAY)


async def test_refunds_of_an_unknown_order_are_an_empty_list(shop: ShopClient) -> None:
    # when the refunds of an order that does not exist are listed
    reply = await shop.call("GET", "/orders/77/refunds")
    # then the list is empty, as core's query finds nothing
    assert (reply.status, reply.body, reply.headers["X-WP-Total"]) == (200, [], "0")
