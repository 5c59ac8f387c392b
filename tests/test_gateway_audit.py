"""The audit trail over real HTTP: one line per customer whose data staff or a kiosk were given.

The fields audit themselves, so a customer reached through an order, `node` or
federation `_entities` is audited like one asked for by id; a refused field is
not listed, since nothing of it was given.
"""

import json
import logging
from typing import Any

import pytest

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from simulators.world import DemoCustomer, World
from tests.harness import Stack, api_key, bearer

ORDER_CUSTOMER = "query($id: ID!) { order(id: $id) { customer { email phone } } }"
NODE_ORDER = "query($id: ID!) { node(id: $id) { ... on Order { customer { email } } } }"
ENTITIES_ORDER = """
query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { customer { email } } } }"""
ORDER_ADDRESS = "query($id: ID!) { order(id: $id) { fulfillment { method address { city } } } }"
PICKUP_ADDRESS = "query($id: ID!) { order(id: $id) { fulfillment { address { city } } } }"
BY_ID = "query($id: ID!) { customer(id: $id) { firstName email phone notes { text } } }"
BY_CARD = "query($card: String!) { customerByLoyaltyCard(cardNumber: $card) { firstName email notes { text } } }"
ME = "{ me { firstName email } }"
REQUEST_ID = "audit-test-0001"
STAFF = bearer(Role.STAFF, "staff-audit", store="PAR01", ttl_s=3600) | {"X-Request-Id": REQUEST_ID}


def shopper(world: World) -> DemoCustomer:
    return next(c for c in world.customers if c.card and c.webshop_id and world.history.web_orders(c))


def order_id(world: World, c: DemoCustomer) -> str:
    return global_id("Order", str(world.history.web_orders(c)[0].id))


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "omnigate.audit"]


def staff_read(c: DemoCustomer, fields: list[str]) -> dict[str, Any]:
    return {"event": "customer_data_read", "requestId": REQUEST_ID, "principal": "staff", "subject": "staff-audit",
            "store": "PAR01", "customer": c.crm_id, "fields": fields}


async def test_staff_reading_contact_data_through_an_order_is_audited(stack: Stack,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    c = shopper(stack.world)
    order = order_id(stack.world, c)
    with caplog.at_level(logging.INFO, logger="omnigate.audit"):
        by_order = await stack.data(ORDER_CUSTOMER, {"id": order}, STAFF)
        by_node = await stack.data(NODE_ORDER, {"id": order}, STAFF)
        by_entities = await stack.data(ENTITIES_ORDER, {"reps": [{"__typename": "Order", "id": order}]}, STAFF)
    assert by_order == {"order": {"customer": {"email": c.email, "phone": c.phone}}}
    assert by_node == {"node": {"customer": {"email": c.email}}}
    assert by_entities == {"_entities": [{"customer": {"email": c.email}}]}
    assert audit_lines(caplog) == [staff_read(c, ["email", "phone"]), staff_read(c, ["email"]),
                                   staff_read(c, ["email"])]


async def test_staff_reading_a_delivery_address_is_audited_under_the_orders_customer(
        stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    c, order = next((c, o) for c in stack.world.customers for o in stack.world.history.web_orders(c)
                    if o.pickup_store is None)
    with caplog.at_level(logging.INFO, logger="omnigate.audit"):
        data = await stack.data(ORDER_ADDRESS, {"id": global_id("Order", str(order.id))}, STAFF)
        await stack.data(PICKUP_ADDRESS, {"id": order_id(stack.world, shopper(stack.world))}, STAFF)
    assert data == {"order": {"fulfillment": {"method": "DELIVERY", "address": {"city": c.city}}}}
    assert audit_lines(caplog) == [staff_read(c, ["address"])]  # a pickup order has no address to give


async def test_staff_reading_a_customer_by_id_is_audited_with_every_field_returned(
        stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    c = shopper(stack.world)
    with caplog.at_level(logging.INFO, logger="omnigate.audit"):
        await stack.data(BY_ID, {"id": global_id("Customer", c.crm_id)}, STAFF)
    assert audit_lines(caplog) == [staff_read(c, ["email", "firstName", "notes", "phone"])]


async def test_a_kiosk_read_lists_what_it_was_given_and_not_the_refused_fields(
        stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    c = shopper(stack.world)
    with caplog.at_level(logging.INFO, logger="omnigate.audit"):
        body = await stack.graphql(BY_CARD, {"card": c.card}, api_key(stack.keys.kiosk) | {"X-Request-Id": REQUEST_ID})
    assert body["data"] == {"customerByLoyaltyCard": {"firstName": c.first_name, "email": None, "notes": None}}
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}
    assert audit_lines(caplog) == [{"event": "customer_data_read", "requestId": REQUEST_ID, "principal": "kiosk",
                                    "subject": "kiosk-a", "store": stack.world.stores[0].code,
                                    "customer": c.crm_id, "fields": ["firstName"]}]


async def test_a_customer_reading_themself_is_not_audited(stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    c = shopper(stack.world)
    with caplog.at_level(logging.INFO, logger="omnigate.audit"):
        assert (await stack.data(ME, headers=bearer(Role.CUSTOMER, c.crm_id)))["me"]["email"] == c.email
    assert audit_lines(caplog) == []
