"""placeOrder over HTTP: each fulfilment read back through the gateway and from the web shop, the channel from
the caller, each validation rule with its code and field, idempotency and who may order."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from tests.direct import webshop_order
from tests.harness import STAFF, Stack, api_key, bearer
from tests.ordering import (
    HOME,
    PICKUP_STORE,
    PLACE,
    PLACE_NO_CONTACT,
    SHIPPING_STORE,
    online_with_few_left,
    order_id,
    order_input,
    place,
    shopper,
)

STOCK = ("query S($sku: String!, $store: ID!) "
         "{ product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } } }")
MY_ORDERS = "{ me { orders(first: 5) { edges { node { id channel fulfillment { method } } } } } }"


async def sellable(stack: Stack, sku: str, store: str) -> int:
    data = await stack.data(STOCK, {"sku": sku, "store": global_id("Store", store)}, {})
    return int(data["product"]["availabilityInStore"]["quantity"])


def meta(order: dict[str, Any]) -> dict[str, str]:
    return {m["key"]: m["value"] for m in order["meta_data"]}


async def test_click_and_collect_holds_the_units_and_the_web_shop_has_the_order(stack: Stack) -> None:
    product, left = online_with_few_left(stack, PICKUP_STORE)
    buyer = shopper(stack)

    payload = await place(stack, bearer(Role.CUSTOMER, buyer.crm_id), lines=[(product.sku, 2)],
                          fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE)

    assert payload["userErrors"] == []
    order = payload["order"]
    assert {k: order[k] for k in ("status", "channel", "lines", "fulfillment")} == {
        "status": "PENDING", "channel": "MOBILE_APP", "lines": [{"sku": product.sku, "quantity": 2}],
        "fulfillment": {"method": "PICKUP_IN_STORE", "store": {"code": PICKUP_STORE}, "address": None}}
    assert await sellable(stack, product.sku, PICKUP_STORE) == left - 2
    stored = await webshop_order(stack.http, stack.sim_url, order_id(order["id"]))
    assert stored["customer_id"] == buyer.webshop_id
    assert [(line["product_id"], line["quantity"]) for line in stored["line_items"]] == [(product.webshop_id, 2)]
    assert {k: meta(stored)[k] for k in ("omnigate_channel", "omnigate_fulfillment", "omnigate_store_code")} == {
        "omnigate_channel": "MOBILE_APP", "omnigate_fulfillment": "PICKUP_IN_STORE",
        "omnigate_store_code": PICKUP_STORE}
    mine = (await stack.data(MY_ORDERS, headers=bearer(Role.CUSTOMER, buyer.crm_id)))["me"]["orders"]["edges"]
    assert {"id": order["id"], "channel": "MOBILE_APP", "fulfillment": {"method": "PICKUP_IN_STORE"}} in \
        [edge["node"] for edge in mine]


async def test_a_kiosk_takes_payment_in_store_and_the_order_is_delivered_home(stack: Stack) -> None:
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    buyer = shopper(stack, skip=1)

    variables = order_input([(product.sku, 1)], "DELIVERY", address=HOME, customer=buyer.crm_id)

    payload = (await stack.data(PLACE_NO_CONTACT, variables, api_key(stack.keys.kiosk)))["placeOrder"]
    contact = await stack.graphql(PLACE, {"input": {**variables["input"]}}, api_key(stack.keys.kiosk))

    assert payload["userErrors"] == []
    assert payload["order"]["channel"] == "KIOSK"
    assert payload["order"]["fulfillment"] == {"method": "DELIVERY", "store": None}
    assert contact["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # a kiosk never sees an address
    assert contact["data"]["placeOrder"]["order"]["id"] == payload["order"]["id"]  # the key's first result
    stored = await webshop_order(stack.http, stack.sim_url, order_id(payload["order"]["id"]))
    assert (stored["customer_id"], stored["shipping"]["postcode"], stored["shipping"]["city"]) == (
        buyer.webshop_id, "69002", "Lyon")
    seen = (await stack.data(MY_ORDERS, headers=bearer(Role.CUSTOMER, buyer.crm_id)))["me"]["orders"]["edges"]
    assert {"id": payload["order"]["id"], "channel": "KIOSK", "fulfillment": {"method": "DELIVERY"}} in \
        [edge["node"] for edge in seen]


async def test_the_call_centre_ships_from_a_store_to_a_guest(stack: Stack) -> None:
    product, left = online_with_few_left(stack, SHIPPING_STORE)

    payload = await place(stack, STAFF, lines=[(product.sku, 1)], fulfillment="SHIP_FROM_STORE",
                          store=SHIPPING_STORE, address=HOME)

    assert payload["userErrors"] == []
    assert (payload["order"]["channel"], payload["order"]["fulfillment"]) == ("CALL_CENTER", {
        "method": "SHIP_FROM_STORE", "store": {"code": SHIPPING_STORE},
        "address": {"line1": HOME["line1"], "postalCode": "69002", "city": "Lyon", "countryCode": "FR"}})
    assert await sellable(stack, product.sku, SHIPPING_STORE) == left - 1
    stored = await webshop_order(stack.http, stack.sim_url, order_id(payload["order"]["id"]))
    assert stored["customer_id"] == 0 and meta(stored)["omnigate_store_code"] == SHIPPING_STORE


async def test_staff_in_a_store_order_as_the_store(stack: Stack) -> None:
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    in_store = bearer(Role.STAFF, "staff-lyon", store=PICKUP_STORE)

    payload = await place(stack, in_store, lines=[(product.sku, 1)], fulfillment="PICKUP_IN_STORE",
                          store=PICKUP_STORE, customer=shopper(stack).crm_id)

    assert (payload["userErrors"], payload["order"]["channel"]) == ([], "STORE")


def _refusal(field: list[str] | None, code: str) -> dict[str, Any]:
    return {"field": field, "code": code}


async def test_each_rule_names_its_field_and_nothing_is_written(stack: Stack) -> None:
    product, left = online_with_few_left(stack, PICKUP_STORE)
    sku = product.sku
    offline = next(p for p in stack.world.products if p.webshop_id is None)
    scarce = next(p for p in stack.world.products if p.webshop_id is not None and not p.delisted
                  and 0 < p.online_stock < 10 and p.sku != sku)
    no_service = next(s.code for s in stack.world.stores if "CLICK_AND_COLLECT" not in s.services)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)
    cases: list[tuple[dict[str, Any], list[str] | None, str]] = [
        (dict(lines=[], fulfillment="DELIVERY", address=HOME), ["input", "lines"], "INVALID"),
        (dict(lines=[(sku, 0)], fulfillment="DELIVERY", address=HOME), ["input", "lines", "0", "quantity"],
         "INVALID"),
        (dict(lines=[(sku, 100)], fulfillment="DELIVERY", address=HOME), ["input", "lines", "0", "quantity"],
         "INVALID"),
        (dict(lines=[(sku, 1), ("NO-SUCH-SKU", 1)], fulfillment="DELIVERY", address=HOME),
         ["input", "lines", "1", "sku"], "NOT_FOUND"),
        (dict(lines=[(offline.sku, 1)], fulfillment="DELIVERY", address=HOME), ["input", "lines", "0", "sku"],
         "NOT_FOUND"),
        (dict(lines=[(sku, 1), (sku.lower(), 1)], fulfillment="DELIVERY", address=HOME),
         ["input", "lines", "1", "sku"], "INVALID"),
        (dict(lines=[(sku, 1)], fulfillment="DELIVERY"), ["input", "address"], "INVALID"),
        (dict(lines=[(sku, 1)], fulfillment="DELIVERY", address={**HOME, "postalCode": "6900"}),
         ["input", "address", "postalCode"], "INVALID"),
        (dict(lines=[(sku, 1)], fulfillment="DELIVERY", address={**HOME, "countryCode": "US"}),
         ["input", "address", "countryCode"], "INVALID"),
        (dict(lines=[(sku, 1)], fulfillment="DELIVERY", address={**HOME, "line1": "  "}),
         ["input", "address", "line1"], "INVALID"),
        (dict(lines=[(sku, 1)], fulfillment="DELIVERY", address=HOME, store=PICKUP_STORE), ["input", "storeId"],
         "INVALID"),
        (dict(lines=[(sku, 1)], fulfillment="PICKUP_IN_STORE"), ["input", "storeId"], "INVALID"),
        (dict(lines=[(sku, 1)], fulfillment="PICKUP_IN_STORE", store="NOPE1"), ["input", "storeId"], "NOT_FOUND"),
        (dict(lines=[(sku, 1)], fulfillment="PICKUP_IN_STORE", store=no_service), ["input", "storeId"],
         "SERVICE_NOT_OFFERED"),
        (dict(lines=[(sku, 1)], fulfillment="SHIP_FROM_STORE", store=PICKUP_STORE, address=HOME),
         ["input", "storeId"], "SERVICE_NOT_OFFERED"),
        (dict(lines=[(sku, 1)], fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE, address=HOME),
         ["input", "address"], "INVALID"),
        (dict(lines=[(sku, left + 1)], fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE),
         ["input", "lines", "0", "quantity"], "OUT_OF_STOCK"),
        (dict(lines=[(sku, 1), (scarce.sku, scarce.online_stock + 1)], fulfillment="DELIVERY", address=HOME),
         ["input", "lines", "1", "quantity"], "OUT_OF_STOCK"),
    ]
    await stack.reset_calls()
    for number, (case, field, code) in enumerate(cases):
        payload = await place(stack, buyer, key=f"rule-{number}", **case)
        assert payload["order"] is None
        assert [_refusal(e["field"], e["code"]) for e in payload["userErrors"]] == [_refusal(field, code)], case
    calls = await stack.calls()
    assert "POST /webshop/wp-json/wc/v3/orders" not in calls
    assert await sellable(stack, sku, PICKUP_STORE) == left


async def test_an_out_of_stock_second_line_releases_the_first_lines_hold(stack: Stack) -> None:
    first, first_left = online_with_few_left(stack, PICKUP_STORE)
    second, second_left = online_with_few_left(stack, PICKUP_STORE, skip=1)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)

    payload = await place(stack, buyer, lines=[(first.sku, 1), (second.sku, second_left + 1)],
                          fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE)

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "lines", "1", "quantity"], "OUT_OF_STOCK")]
    assert await sellable(stack, first.sku, PICKUP_STORE) == first_left
    assert "POST /webshop/wp-json/wc/v3/orders" not in await stack.calls()


async def test_a_retried_key_places_one_order_and_another_input_is_a_conflict(stack: Stack) -> None:
    product, left = online_with_few_left(stack, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)
    await stack.reset_calls()

    first = await place(stack, buyer, lines=[(product.sku, 1)], fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE)
    again = await place(stack, buyer, lines=[(product.sku, 1)], fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE)
    other = await place(stack, buyer, lines=[(product.sku, 2)], fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE)

    assert first["userErrors"] == [] and again["order"]["id"] == first["order"]["id"]
    assert (await stack.calls())["POST /webshop/wp-json/wc/v3/orders"] == 1
    assert [(e["field"], e["code"]) for e in other["userErrors"]] == [(["input", "idempotencyKey"], "CONFLICT")]
    assert await sellable(stack, product.sku, PICKUP_STORE) == left - 1


async def test_two_concurrent_requests_with_one_key_place_one_order(stack: Stack) -> None:
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)
    await stack.reset_calls()
    variables = order_input([(product.sku, 1)], "DELIVERY", key="together", address=HOME)

    both = await asyncio.gather(*(stack.data(PLACE, variables, buyer) for _ in range(2)))

    placed = [p["placeOrder"] for p in both if p["placeOrder"]["order"]]
    refused = [p["placeOrder"]["userErrors"] for p in both if not p["placeOrder"]["order"]]
    assert len(placed) == 1 and all(r[0]["code"] == "CONFLICT" for r in refused)
    assert (await stack.calls())["POST /webshop/wp-json/wc/v3/orders"] == 1


@pytest.mark.parametrize("who", ["anonymous", "partner without the orders scope", "customer for another",
                                 "partner for a customer"])
async def test_who_may_not_order_is_refused_before_anything(stack: Stack, who: str) -> None:
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    headers, customer = {
        "anonymous": ({}, None),
        "partner without the orders scope": (api_key(stack.keys.partner), None),
        "customer for another": (bearer(Role.CUSTOMER, shopper(stack).crm_id), shopper(stack, skip=1).crm_id),
        "partner for a customer": (api_key(stack.keys.order_partner), shopper(stack).crm_id),
    }[who]
    await stack.reset_calls()

    body = await stack.graphql(PLACE, order_input([(product.sku, 1)], "DELIVERY", address=HOME, customer=customer),
                               headers)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"] is None
    assert await stack.calls() == {}


async def test_a_partner_with_the_orders_scope_places_guest_orders_on_its_channel(stack: Stack) -> None:
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    before = datetime.now(UTC)

    variables = order_input([(product.sku, 1)], "DELIVERY", address=HOME)
    payload = (await stack.data(PLACE_NO_CONTACT, variables, api_key(stack.keys.order_partner)))["placeOrder"]

    assert (payload["userErrors"], payload["order"]["channel"]) == ([], "PARTNER")
    stored = await webshop_order(stack.http, stack.sim_url, order_id(payload["order"]["id"]))
    assert stored["customer_id"] == 0 and datetime.fromisoformat(stored["date_created_gmt"] + "+00:00") >= \
        before.replace(microsecond=0)
