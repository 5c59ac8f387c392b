"""returnInStore over HTTP: units back in the store's POS stock, the refund in the web shop, each rule with its
code and field, once per key; and the fault matrix of its saga."""

from typing import Any

import pytest

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from tests.direct import WEBSHOP_AUTH, pos_sellable
from tests.harness import Stack, api_key, bearer
from tests.ordering import HOME, PICKUP_STORE, completed_order, online_with_few_left, order_id, place, shopper
from tests.sagas import INVENTORY_CHANGES, clear_faults, fail_route, journaled, until_journal_empty

RETURN = """
mutation Return($input: ReturnInput!) {
  returnInStore(input: $input) { order { id status } userErrors { field code message } }
}"""
REFUNDS = "/webshop/wp-json/wc/v3/orders/{id}/refunds"


def return_input(order: str, skus: list[str], key: str = "r1", store: str = PICKUP_STORE) -> dict[str, Any]:
    return {"input": {"idempotencyKey": key, "orderId": order, "storeId": global_id("Store", store), "skus": skus,
                      "reason": "too small"}}


async def bring_back(stack: Stack, headers: dict[str, str], *args: Any, **kwargs: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await stack.data(RETURN, return_input(*args, **kwargs), headers))["returnInStore"]
    return payload


async def refunds(stack: Stack, shop_id: str) -> list[dict[str, Any]]:
    async with stack.http.get(f"{stack.sim_url}{REFUNDS.format(id=shop_id)}", params=WEBSHOP_AUTH) as r:
        found: list[dict[str, Any]] = await r.json()
    return found


async def store_count(stack: Stack, gtin: str, store: str = PICKUP_STORE) -> int:
    return (await pos_sellable(stack.http, stack.sim_url, [gtin], [store])).get((gtin, store), 0)


async def test_a_customer_brings_one_unit_back_to_a_store(stack: Stack) -> None:
    order, shop_id, product = await completed_order(stack)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)
    before = await store_count(stack, product.gtin)
    await stack.reset_calls()

    first = await bring_back(stack, buyer, order["id"], [product.sku])
    again = await bring_back(stack, buyer, order["id"], [product.sku])

    assert first == again == {"order": {"id": order["id"], "status": "COMPLETED"}, "userErrors": []}
    assert await store_count(stack, product.gtin) == before + 1
    [refund] = await refunds(stack, shop_id)
    assert (refund["reason"], refund["refunded_payment"]) == ("too small", False)
    assert [(line["quantity"]) for line in refund["line_items"]] == [-1]
    assert (await stack.calls())["POST /webshop/wp-json/wc/v3/orders/{order_id}/refunds"] == 1


async def test_the_rest_of_the_order_comes_back_and_no_more(stack: Stack) -> None:
    order, shop_id, product = await completed_order(stack)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)
    await bring_back(stack, buyer, order["id"], [product.sku], key="first")

    too_many = await bring_back(stack, buyer, order["id"], [product.sku, product.sku], key="second")
    rest = await bring_back(stack, buyer, order["id"], [product.sku.lower()], key="third")
    more = await bring_back(stack, buyer, order["id"], [product.sku], key="fourth")

    assert [(e["field"], e["code"]) for e in too_many["userErrors"]] == [(["input", "skus", "1"], "INVALID")]
    assert rest["userErrors"] == [] and rest["order"]["status"] == "COMPLETED"  # the delivery fee is not refunded
    assert [(e["field"], e["code"]) for e in more["userErrors"]] == [(["input", "skus", "0"], "INVALID")]
    assert len(await refunds(stack, shop_id)) == 2


async def test_each_rule_names_its_field_and_nothing_moves(stack: Stack) -> None:
    order, shop_id, product = await completed_order(stack)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)
    no_returns = next(s.code for s in stack.world.stores if "RETURNS" not in s.services)
    pending, _, _ = await _pending_order(stack)
    before = await store_count(stack, product.gtin)
    cases: list[tuple[tuple[Any, ...], dict[str, Any], list[str] | None, str]] = [
        ((order["id"], []), {}, ["input", "skus"], "INVALID"),
        ((order["id"], ["NO-SUCH-SKU"]), {}, ["input", "skus", "0"], "NOT_FOUND"),
        ((order["id"], [product.sku, product.sku, product.sku]), {}, ["input", "skus", "2"], "INVALID"),
        (("not-an-id", [product.sku]), {}, ["input", "orderId"], "INVALID"),
        ((global_id("Order", "999999"), [product.sku]), {}, ["input", "orderId"], "NOT_FOUND"),
        ((pending["id"], [product.sku]), {}, ["input", "orderId"], "INVALID"),
        ((order["id"], [product.sku]), {"store": no_returns}, ["input", "storeId"], "SERVICE_NOT_OFFERED"),
        ((order["id"], [product.sku]), {"store": "NOPE1"}, ["input", "storeId"], "NOT_FOUND"),
    ]
    for number, (args, options, field, code) in enumerate(cases):
        payload = await bring_back(stack, buyer, *args, key=f"rule-{number}", **options)
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], args
    assert await refunds(stack, shop_id) == [] and await store_count(stack, product.gtin) == before


async def _pending_order(stack: Stack) -> tuple[dict[str, Any], str, Any]:
    product, _ = online_with_few_left(stack, PICKUP_STORE, skip=2)
    payload = await place(stack, bearer(Role.CUSTOMER, shopper(stack).crm_id), lines=[(product.sku, 1)],
                          fulfillment="DELIVERY", address=HOME, key="pending")
    return payload["order"], order_id(payload["order"]["id"]), product


async def test_who_may_not_take_a_return_is_refused(stack: Stack) -> None:
    order, shop_id, product = await completed_order(stack)
    other_kiosk_store = stack.world.stores[1].code
    refused = [bearer(Role.CUSTOMER, shopper(stack, skip=1).crm_id), {}, api_key(stack.keys.partner)]
    for headers in refused:
        body = await stack.graphql(RETURN, return_input(order["id"], [product.sku]), headers)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", headers
    elsewhere = await stack.graphql(RETURN, return_input(order["id"], [product.sku], store=PICKUP_STORE),
                                    api_key(stack.keys.kiosk))
    assert elsewhere["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    at_its_store = await stack.graphql(RETURN, return_input(order["id"], [product.sku], store=other_kiosk_store),
                                       api_key(stack.keys.other_kiosk))
    assert "errors" not in at_its_store or at_its_store["errors"][0]["extensions"]["code"] != "FORBIDDEN"
    assert len(await refunds(stack, shop_id)) <= 1


@pytest.mark.parametrize("fault", ["down", "lost_reply"])
async def test_a_failed_refund_takes_the_units_back_out_of_stock(stack: Stack, fault: str) -> None:
    order, shop_id, product = await completed_order(stack)
    before = await store_count(stack, product.gtin)
    await fail_route(stack, "webshop", "POST /webshop/wp-json/wc/v3/orders/{order_id}/refunds", **{fault: True})

    payload = await bring_back(stack, bearer(Role.CUSTOMER, shopper(stack).crm_id), order["id"], [product.sku])

    if fault == "lost_reply":  # found by its key: done once
        assert payload["userErrors"] == [] and len(await refunds(stack, shop_id)) == 1
        assert await store_count(stack, product.gtin) == before + 1
    else:
        assert [e["code"] for e in payload["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
        assert await refunds(stack, shop_id) == [] and await store_count(stack, product.gtin) == before
    assert await journaled(stack) == []


async def test_a_stock_move_whose_reply_is_lost_is_journaled_and_netted_out(stack: Stack) -> None:
    order, shop_id, product = await completed_order(stack)
    before = await store_count(stack, product.gtin)
    await fail_route(stack, "pos", f"POST {INVENTORY_CHANGES}", lost_reply=True)

    payload = await bring_back(stack, bearer(Role.CUSTOMER, shopper(stack).crm_id), order["id"], [product.sku])

    assert [e["code"] for e in payload["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
    assert [entry.split()[0] for entry in await journaled(stack)] == ["TAKE_BACK_RETURN"]
    assert await store_count(stack, product.gtin) == before + 1  # recorded, its reply lost, not yet undone
    await clear_faults(stack)
    await until_journal_empty(stack)
    assert await store_count(stack, product.gtin) == before and await refunds(stack, shop_id) == []
