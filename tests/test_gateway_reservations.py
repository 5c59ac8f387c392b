"""Reserve & collect over HTTP: exact userErrors, idempotency keys, who may reserve and cancel."""

from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.appkeys import REFERENCE_KEY
from gateway.auth.principals import Role
from gateway.schema.orders.reserve_in_store import hold_expiry
from gateway.schema.relay import global_id
from simulators.world.records import DemoProduct
from tests.harness import Stack, api_key, bearer
from tests.ordering import HasWorld

RESERVE = """
mutation Reserve($input: ReserveInStoreInput!) {
  reserveInStore(input: $input) {
    reservation { id quantity status expiresAt product { sku } store { code } }
    userErrors { field code message }
  }
}"""
CANCEL = """
mutation Cancel($id: ID!) {
  cancelReservation(id: $id) { reservation { id status } userErrors { field code } }
}"""
NODE = "query N($id: ID!) { node(id: $id) { id ... on Reservation { quantity status store { code } } } }"
STORE = "MAR01"  # offers reserve & collect; the other kiosk's store
NO_SERVICE = "PAR01"  # does not; the first kiosk's store
HOLD = timedelta(hours=48)  # the default OMNIGATE_RESERVATION_HOLD_HOURS
OWNER, OTHER = "003OG0000000000AAA", "003OG0000000002AAA"  # both have a loyalty card


def customer(crm_id: str = OWNER) -> dict[str, str]:
    return bearer(Role.CUSTOMER, crm_id)


def few_left(stack: HasWorld) -> tuple[DemoProduct, int]:
    """An article MAR01 sells, with a handful of units in stock."""
    store = stack.world.store_by_code[STORE]
    for product in stack.world.products:
        figure = stack.world.store_stock(store, product)
        if figure is not None and 2 <= figure.sellable <= 5:
            return product, figure.sellable
    raise AssertionError("no article with a few units left")


def reserve_input(sku: str, quantity: int = 1, key: str = "k1", store: str = STORE) -> dict[str, Any]:
    return {"input": {"idempotencyKey": key, "sku": sku, "storeId": global_id("Store", store), "quantity": quantity}}


async def reserve(stack: Stack, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await stack.data(RESERVE, reserve_input(**kwargs), headers))["reserveInStore"]
    return payload


async def test_a_customer_reserves_and_reaches_it_as_a_node(stack: Stack) -> None:
    product, _ = few_left(stack)
    before = datetime.now(UTC)

    payload = await reserve(stack, customer(), sku=product.sku, quantity=2)

    assert payload["userErrors"] == []
    reservation = payload["reservation"]
    assert {k: reservation[k] for k in ("quantity", "status", "product", "store")} == {
        "quantity": 2, "status": "ACTIVE", "product": {"sku": product.sku}, "store": {"code": STORE}}
    expires = datetime.fromisoformat(reservation["expiresAt"])  # exact moments: test_gateway_reservation_expiry
    where = (await stack.app[REFERENCE_KEY].stores.get()).by_code[STORE]
    assert hold_expiry(where, before, HOLD) <= expires <= hold_expiry(where, datetime.now(UTC), HOLD)
    node = (await stack.data(NODE, {"id": reservation["id"]}, customer()))["node"]
    assert node == {"id": reservation["id"], "quantity": 2, "status": "ACTIVE", "store": {"code": STORE}}
    refused = await stack.graphql(NODE, {"id": reservation["id"]}, customer(OTHER))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_retried_key_returns_the_first_result_without_holding_again(stack: Stack) -> None:
    product, left = few_left(stack)

    first = await reserve(stack, customer(), sku=product.sku, quantity=left)
    again = await reserve(stack, customer(), sku=product.sku, quantity=left)
    other = await reserve(stack, customer(), sku=product.sku, quantity=1)
    elsewhere = await reserve(stack, customer(OTHER), sku=product.sku, quantity=1)

    assert first["userErrors"] == [] and again == first
    assert other == {"reservation": None, "userErrors": [{"field": ["input", "idempotencyKey"], "code": "CONFLICT",
                                                          "message": "this idempotencyKey was used for another "
                                                                     "request"}]}
    assert elsewhere["userErrors"][0]["code"] == "OUT_OF_STOCK"  # the same key is another caller's own


async def test_bad_input_is_reported_on_its_field(stack: Stack) -> None:
    product, left = few_left(stack)
    cases: list[tuple[dict[str, Any], list[str], str]] = [
        ({"sku": product.sku, "quantity": 0}, ["input", "quantity"], "INVALID"),
        ({"sku": product.sku, "quantity": 100}, ["input", "quantity"], "INVALID"),
        ({"sku": product.sku, "key": ""}, ["input", "idempotencyKey"], "INVALID"),
        ({"sku": "NO-SUCH-SKU"}, ["input", "sku"], "NOT_FOUND"),
        ({"sku": product.sku, "store": "NOWHERE1"}, ["input", "storeId"], "NOT_FOUND"),
        ({"sku": product.sku, "store": NO_SERVICE}, ["input", "storeId"], "SERVICE_NOT_OFFERED"),
        ({"sku": product.sku, "quantity": left + 1}, ["input", "quantity"], "OUT_OF_STOCK"),
    ]
    for index, (kwargs, field, code) in enumerate(cases):
        kwargs.setdefault("key", f"bad-{index}")
        payload = await reserve(stack, customer(), **kwargs)
        assert payload["reservation"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], kwargs


async def test_anonymous_callers_partners_and_other_stores_kiosks_are_refused(stack: Stack) -> None:
    product, _ = few_left(stack)
    for headers in ({}, api_key(stack.keys.partner), api_key(stack.keys.kiosk)):
        body = await stack.graphql(RESERVE, reserve_input(product.sku), headers)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    by_kiosk = await reserve(stack, api_key(stack.keys.other_kiosk), sku=product.sku)
    assert by_kiosk["userErrors"] == [] and by_kiosk["reservation"]["store"] == {"code": STORE}


async def test_the_holder_or_the_store_cancels_and_nobody_else(stack: Stack) -> None:
    product, _ = few_left(stack)
    mine = (await reserve(stack, customer(), sku=product.sku, key="a"))["reservation"]["id"]
    walk_in = (await reserve(stack, api_key(stack.keys.other_kiosk), sku=product.sku, key="b"))["reservation"]["id"]

    for headers, target in ((customer(OTHER), mine), (api_key(stack.keys.kiosk), mine), ({}, mine),
                            (customer(), walk_in)):
        body = await stack.graphql(CANCEL, {"id": target}, headers)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    cancelled = {"reservation": {"id": mine, "status": "CANCELLED"}, "userErrors": []}
    assert (await stack.data(CANCEL, {"id": mine}, customer()))["cancelReservation"] == cancelled
    assert (await stack.data(CANCEL, {"id": mine}, customer()))["cancelReservation"] == cancelled
    by_store = (await stack.data(CANCEL, {"id": walk_in}, api_key(stack.keys.other_kiosk)))["cancelReservation"]
    assert by_store == {"reservation": {"id": walk_in, "status": "CANCELLED"}, "userErrors": []}
