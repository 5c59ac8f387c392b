"""collectOrder over HTTP: a click & collect order handed over at its store once; the POS sells the units, the
holds close, the web shop completes the order (later, from the journal, if it was down)."""

from gateway.auth.principals import Role
from tests.direct import pos_sellable, webshop_order
from tests.harness import STAFF, Stack, api_key, bearer
from tests.ordering import HOME, PICKUP_STORE, online_with_few_left, order_id, place, shopper
from tests.sagas import clear_faults, fail_route, journaled, until_journal_empty

COLLECT = """
mutation Collect($id: ID!) {
  collectOrder(id: $id) { order { id status fulfillment { method } } userErrors { field code message } }
}"""
HOLDS = "{ me { reservations(first: 10) { edges { node { status store { code } } } } } }"


async def pickup_order(stack: Stack, units: int = 2) -> tuple[str, str, int]:
    """(order id, gtin, units the POS counted before) of a shopper's click & collect order at PICKUP_STORE."""
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    counted = await pos_sellable(stack.http, stack.sim_url, [product.gtin], [PICKUP_STORE])
    payload = await place(stack, bearer(Role.CUSTOMER, shopper(stack).crm_id), lines=[(product.sku, units)],
                          fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE, key=f"pickup-{product.sku}")
    assert payload["userErrors"] == []
    return payload["order"]["id"], product.gtin, counted[(product.gtin, PICKUP_STORE)]


async def test_the_store_hands_the_order_over_once(stack: Stack) -> None:
    order, gtin, before = await pickup_order(stack)
    await stack.reset_calls()

    first = (await stack.data(COLLECT, {"id": order}))["collectOrder"]
    again = (await stack.data(COLLECT, {"id": order}))["collectOrder"]

    done = {"order": {"id": order, "status": "COMPLETED", "fulfillment": {"method": "PICKUP_IN_STORE"}},
            "userErrors": []}
    assert first == again == done
    assert await pos_sellable(stack.http, stack.sim_url, [gtin], [PICKUP_STORE]) == {(gtin, PICKUP_STORE): before - 2}
    assert (await stack.calls())["POST /pos/v2/inventory/changes/batch-create"] == 1
    assert (await webshop_order(stack.http, stack.sim_url, order_id(order)))["status"] == "completed"
    mine = await stack.data(HOLDS, headers=bearer(Role.CUSTOMER, shopper(stack).crm_id))
    assert {e["node"]["status"] for e in mine["me"]["reservations"]["edges"]} == {"COLLECTED"}


async def test_only_the_pickup_store_hands_it_over(stack: Stack) -> None:
    order, gtin, before = await pickup_order(stack)
    other_store_kiosk = api_key(stack.keys.kiosk)  # the first store, not PICKUP_STORE
    refused = [bearer(Role.CUSTOMER, shopper(stack).crm_id), other_store_kiosk, {},
               bearer(Role.STAFF, "staff-elsewhere", store="PAR01")]
    for headers in refused:
        body = await stack.graphql(COLLECT, {"id": order}, headers)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", headers
    assert await pos_sellable(stack.http, stack.sim_url, [gtin], [PICKUP_STORE]) == {(gtin, PICKUP_STORE): before}
    at_its_counter = (await stack.data(COLLECT, {"id": order}, api_key(stack.keys.other_kiosk)))["collectOrder"]
    assert at_its_counter["userErrors"] == []


async def test_a_delivery_is_not_collected_and_a_cancelled_order_is_a_conflict(stack: Stack) -> None:
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    delivery = await place(stack, STAFF, lines=[(product.sku, 1)], fulfillment="DELIVERY", address=HOME)
    order, _, _ = await pickup_order(stack, units=1)
    async with stack.http.put(f"{stack.sim_url}/webshop/wp-json/wc/v3/orders/{order_id(order)}",
                              params={"consumer_key": "ck_demo", "consumer_secret": "cs_demo"},
                              json={"status": "cancelled"}) as r:
        assert r.status == 200

    not_pickup = (await stack.data(COLLECT, {"id": delivery["order"]["id"]}))["collectOrder"]
    cancelled = (await stack.data(COLLECT, {"id": order}))["collectOrder"]

    assert not_pickup == {"order": None, "userErrors": [{"field": ["id"], "code": "NOT_FOUND",
                                                         "message": "no click & collect order with this id"}]}
    assert [(e["field"], e["code"]) for e in cancelled["userErrors"]] == [(["id"], "CONFLICT")]


async def test_a_web_shop_down_at_hand_over_completes_the_order_from_the_journal(stack: Stack) -> None:
    order, gtin, before = await pickup_order(stack)
    await fail_route(stack, "webshop", "PUT /webshop/wp-json/wc/v3/orders/{id}", down=True)

    payload = (await stack.data(COLLECT, {"id": order}))["collectOrder"]

    assert [e["code"] for e in payload["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
    assert await pos_sellable(stack.http, stack.sim_url, [gtin], [PICKUP_STORE]) == {(gtin, PICKUP_STORE): before - 2}
    assert [entry.split()[0] for entry in await journaled(stack)] == ["COMPLETE_WEB_ORDER"]
    await clear_faults(stack)
    await until_journal_empty(stack)
    assert (await webshop_order(stack.http, stack.sim_url, order_id(order)))["status"] == "completed"
