"""reserveInStore for a customer: staff by id or card, a kiosk by the card it scanned only, a customer only themself."""

from typing import Any

from gateway.schema.relay import global_id
from tests.harness import STAFF, Stack, api_key
from tests.test_gateway_reservation_lists import MINE, card_of, ids, plenty
from tests.test_gateway_reservations import NODE, OTHER, OWNER, RESERVE, customer, reserve_input

NOBODY_CARD = "LC-NO-SUCH-CARD"


def for_customer(sku: str, key: str, customer_id: str | None = None, card: str | None = None) -> dict[str, Any]:
    variables = reserve_input(sku, key=key)
    if customer_id is not None:
        variables["input"]["customerId"] = global_id("Customer", customer_id)
    if card is not None:
        variables["input"]["loyaltyCard"] = card
    return variables


async def reserved(stack: Stack, variables: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = (await stack.data(RESERVE, variables, headers))["reserveInStore"]
    return payload


async def reservations_of(stack: Stack, crm_id: str) -> list[str]:
    return ids((await stack.data(MINE, {}, customer(crm_id)))["me"]["reservations"])


async def test_a_kiosk_holds_for_the_customer_whose_card_it_scanned_and_they_see_it(stack: Stack) -> None:
    sku = plenty(stack).sku
    kiosk = api_key(stack.keys.other_kiosk)

    payload = await reserved(stack, for_customer(sku, "k", card=card_of(stack, OWNER)), kiosk)

    assert payload["userErrors"] == []
    held = payload["reservation"]["id"]
    assert await reservations_of(stack, OWNER) == [held] and await reservations_of(stack, OTHER) == []
    assert (await stack.data(NODE, {"id": held}, customer()))["node"]["status"] == "ACTIVE"
    again = await reserved(stack, for_customer(sku, "k", card=card_of(stack, OTHER)), kiosk)
    assert again["userErrors"][0]["code"] == "CONFLICT"  # the key was used for another customer


async def test_staff_hold_for_a_customer_named_by_id_or_by_card(stack: Stack) -> None:
    sku = plenty(stack).sku

    by_id = await reserved(stack, for_customer(sku, "s1", customer_id=OWNER), STAFF)
    by_card = await reserved(stack, for_customer(sku, "s2", card=card_of(stack, OWNER)), STAFF)

    assert by_id["userErrors"] == by_card["userErrors"] == []
    assert await reservations_of(stack, OWNER) == [by_card["reservation"]["id"], by_id["reservation"]["id"]]


async def test_a_customer_names_only_themself_and_a_kiosk_never_by_id(stack: Stack) -> None:
    sku = plenty(stack).sku
    refused = [(customer(), for_customer(sku, "c1", customer_id=OTHER)),
               (customer(), for_customer(sku, "c2", card=card_of(stack, OWNER))),
               (api_key(stack.keys.other_kiosk), for_customer(sku, "k1", customer_id=OWNER))]
    for headers, variables in refused:
        body = await stack.graphql(RESERVE, variables, headers)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", variables

    themself = await reserved(stack, for_customer(sku, "c3", customer_id=OWNER), customer())
    assert themself["userErrors"] == []
    assert await reservations_of(stack, OWNER) == [themself["reservation"]["id"]]
    assert await reservations_of(stack, OTHER) == []


async def test_an_unknown_customer_or_card_or_both_named_is_reported_on_its_field(stack: Stack) -> None:
    sku = plenty(stack).sku
    cases = [(for_customer(sku, "u1", customer_id="003OG9999999999AAA"), ["input", "customerId"], "NOT_FOUND"),
             (for_customer(sku, "u2", card=NOBODY_CARD), ["input", "loyaltyCard"], "NOT_FOUND"),
             (for_customer(sku, "u3", customer_id=OWNER, card=card_of(stack, OWNER)), ["input", "customerId"],
              "INVALID")]
    for variables, field, code in cases:
        payload = await reserved(stack, variables, STAFF)
        assert payload["reservation"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], variables
    kiosk = await reserved(stack, for_customer(sku, "u4", card=NOBODY_CARD), api_key(stack.keys.other_kiosk))
    assert [(e["field"], e["code"]) for e in kiosk["userErrors"]] == [(["input", "loyaltyCard"], "NOT_FOUND")]
