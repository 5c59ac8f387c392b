"""Ids and arguments are checked before any upstream call: a key that cannot exist is BAD_USER_INPUT, with no call.

The rules themselves are tested without HTTP; every entry point is then tried through the stack with
one malformed value, and the simulators must have seen nothing.
"""

import base64
from typing import Any

import pytest

from gateway.auth.principals import Role
from gateway.schema.keys import (
    APPOINTMENT_ID,
    CATEGORY,
    CRM_ID,
    GTIN,
    LOYALTY_CARD,
    ORDER_ID,
    RECEIPT_ID,
    SEARCH_TEXT,
    SKU,
    STORE_CODE,
    Rule,
)
from gateway.schema.relay import global_id
from tests.harness import Stack, bearer

ORDER = "query($id: ID!) { order(id: $id) { id } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
CUSTOMER = "query($id: ID!) { customer(id: $id) { id } }"
STORE = "query($id: ID!) { store(id: $id) { id } }"
BY_CARD = "query($card: String!) { customerByLoyaltyCard(cardNumber: $card) { id } }"
BY_GTIN = "query($gtin: String!) { productByGtin(gtin: $gtin) { sku } }"
BY_SKU = "query($sku: String!) { product(sku: $sku) { sku } }"
BY_SKUS = "query($skus: [String!]!) { products(skus: $skus) { sku } }"
SEARCH = "query($q: String, $c: String, $after: String) { searchProducts(query: $q, category: $c, after: $after) " \
         "{ totalCount } }"
BASKET = "query($skus: [String!]) { stores(inStockSkus: $skus) { totalCount } }"
STORE_STOCK = "query($id: ID!, $skus: [String!]!) { store(id: $id) { availability(skus: $skus) { quantity } } }"
IN_STORE = "query($sku: String!, $store: ID!) { product(sku: $sku) { availabilityInStore(storeId: $store) " \
           "{ quantity } } }"
OVERDUE = "query($store: ID) { overdueAppointments(storeId: $store) { topic } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku } } }"
HUGE_ORDER = "9" * 400


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


@pytest.mark.parametrize(("rule", "good", "bad"), [
    (ORDER_ID, ["1", "9001", str(2**63 - 1)], ["0", "012", "-5", "1.0", "1e3", str(2**63), HUGE_ORDER, "١٢", ""]),
    (CRM_ID, ["003OG0000000000AAA", "003OG0000000000"], ["003OG000000000", "003OG0000000000A", "003OG0000000000AA!",
                                                         "003ÖG0000000000AAA", ""]),
    (STORE_CODE, ["PAR01", "NOPE01", "L" * 32], ["PAR-01", "L" * 33, "PAR 01", ""]),
    (RECEIPT_ID, ["R0A1", "RNOPE", "a" * 192], ["a" * 193, "R 1", "R/1", ""]),
    (APPOINTMENT_ID, ["BK000101", "a" * 36], ["a" * 37, "BK'1", ""]),
    (SKU, ["HLM-10000", "LCK - 10137", "hph-10416", "A/B.C_D", "X" * 40], ["X" * 41, "HLMé", "A'B", "A\nB", ""]),
    (GTIN, ["3634000000004", "96385074", "036000291452", "00012345600012"],
     ["3634000000005", "363400000000", "363400000000４", "36340000000040000", "", "abcdefghijklm"]),
    (LOYALTY_CARD, ["LC00010007", "LC-NOPE", "L" * 20], ["L" * 21, "LC 0001", "LC'1", ""]),
    (CATEGORY, ["HLM", "L001", "X" * 9], ["X" * 10, "H M", ""]),
    (SEARCH_TEXT, ["", "perceuse", "é" * 100, "a\nb"], ["x" * 101]),
])
def test_each_rule_takes_what_its_system_can_hold(rule: Rule, good: list[str], bad: list[str]) -> None:
    assert [rule.check(value) for value in good] == good
    for value in bad:
        with pytest.raises(Exception, match=f"^Not a valid {rule.name}: ") as refused:
            rule.check(value)
        assert getattr(refused.value, "extensions", None) == {"code": "BAD_USER_INPUT"}, value


def refused_with(body: dict[str, Any], message: str) -> None:
    """One BAD_USER_INPUT error with exactly this message."""
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["message"]) == ("BAD_USER_INPUT", message), body


@pytest.mark.parametrize(("document", "variables", "message"), [
    (ORDER, {"id": global_id("Order", HUGE_ORDER)}, f"Not a valid order id: {ORDER_ID.means}"),
    (ORDER, {"id": global_id("Order", str(2**63))}, f"Not a valid order id: {ORDER_ID.means}"),
    (NODE, {"id": global_id("Order", "0042")}, f"Not a valid order id: {ORDER_ID.means}"),
    (NODE, {"id": global_id("Customer", "003")}, f"Not a valid customer id: {CRM_ID.means}"),
    (NODE, {"id": global_id("StoreReceipt", "R" * 193)}, f"Not a valid receipt id: {RECEIPT_ID.means}"),
    (NODE, {"id": global_id("Appointment", "BK/1")}, f"Not a valid appointment id: {APPOINTMENT_ID.means}"),
    (NODE, {"id": global_id("Product", "X" * 41)}, f"Not a valid sku: {SKU.means}"),
    (NODE, {"id": global_id("Store", "PAR 01")}, f"Not a valid store code: {STORE_CODE.means}"),
    (CUSTOMER, {"id": global_id("Customer", "003OG0000000000AAA'")}, f"Not a valid customer id: {CRM_ID.means}"),
    (STORE, {"id": global_id("Store", "S" * 33)}, f"Not a valid store code: {STORE_CODE.means}"),
    (BY_CARD, {"card": "LC" + "0" * 19}, f"Not a valid loyalty card number: {LOYALTY_CARD.means}"),
    (BY_GTIN, {"gtin": "3634000000005"}, f"Not a valid GTIN: {GTIN.means}"),
    (BY_SKU, {"sku": "X" * 41}, f"Not a valid sku: {SKU.means}"),
    (BY_SKUS, {"skus": ["HLM-10000", "HLM 10000 ✓"]}, f"Not a valid sku: {SKU.means}"),
    (SEARCH, {"q": "x" * 101}, f"Not a valid search text: {SEARCH_TEXT.means}"),
    (SEARCH, {"c": "CATEGORIES"}, f"Not a valid category: {CATEGORY.means}"),
    (SEARCH, {"after": cursor(2**31 - 1)}, f"{cursor(2**31 - 1)!r} is not a valid cursor"),
    (BASKET, {"skus": ["A'B"]}, f"Not a valid sku: {SKU.means}"),
    (OVERDUE, {"store": global_id("Store", "S-1")}, f"Not a valid store code: {STORE_CODE.means}"),
    (ENTITIES, {"r": [{"__typename": "Product", "sku": "X" * 41}]}, f"Not a valid sku: {SKU.means}"),
])
async def test_a_malformed_key_is_bad_input_before_any_upstream_call(stack: Stack, document: str,
                                                                      variables: dict[str, Any], message: str) -> None:
    # when staff sends one malformed id or argument
    body = await stack.graphql(document, variables)
    # then it is refused with the rule it broke, and no back office was asked anything
    refused_with(body, message)
    assert await stack.calls() == {}


async def test_availability_in_a_store_checks_its_skus_first(stack: Stack) -> None:
    store = global_id("Store", stack.world.stores[0].code)
    body = await stack.graphql(STORE_STOCK, {"id": store, "skus": ["HLM-10000", "é"]})
    assert body["data"] == {"store": {"availability": None}}
    refused_with(body, f"Not a valid sku: {SKU.means}")
    assert await stack.calls() == {}


async def test_availability_in_a_store_takes_at_most_100_skus(stack: Stack) -> None:
    store = global_id("Store", stack.world.stores[0].code)
    body = await stack.graphql(STORE_STOCK, {"id": store, "skus": ["HLM-10000"] * 101})
    refused_with(body, "`skus` takes at most 100 values, got 101")


async def test_stock_in_a_store_checks_the_store_before_the_pos_is_asked(stack: Stack) -> None:
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    body = await stack.graphql(IN_STORE, {"sku": sku, "store": global_id("Store", "S-1")})
    assert body["data"] == {"product": {"availabilityInStore": None}}
    refused_with(body, f"Not a valid store code: {STORE_CODE.means}")
    assert [route for route in await stack.calls() if route.startswith("POST /pos")] == []


async def test_a_malformed_key_is_refused_alike_for_every_principal(stack: Stack) -> None:
    """Decided from the value alone: whoever asks, and whoever the record would belong to, the answer is the same."""
    customer = stack.world.customers[0]
    for headers in (None, bearer(Role.CUSTOMER, customer.crm_id)):
        body = await stack.graphql(ORDER, {"id": global_id("Order", HUGE_ORDER)}, headers)
        refused_with(body, f"Not a valid order id: {ORDER_ID.means}")
    assert await stack.calls() == {}


async def test_well_formed_keys_that_exist_nowhere_are_still_null(stack: Stack) -> None:
    for node_id in (global_id("Order", str(2**63 - 1)), global_id("Appointment", "BKNOPE"),
                    global_id("Customer", "003OG9999999999AAA"), global_id("Store", "NOPE01")):
        assert await stack.data(NODE, {"id": node_id}) == {"node": None}
