"""Who may see what (DESIGN.md), row by row, over real HTTP: allowed and refused.

Refusals are `FORBIDDEN` and leak nothing: another customer and a customer
who does not exist get the same answer.
"""

from typing import Any

import pytest

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from simulators.world import DemoCustomer, World
from simulators.world.records import Booking
from tests.harness import STAFF, Stack, api_key, bearer

PARIS = {"latitude": 48.8566, "longitude": 2.3522}
CATALOG = """
query Catalog($sku: String!, $near: GeoPointInput!) {
  product(sku: $sku) { name price { amount { amount } } nearestAvailability(near: $near, first: 1) { quantity } }
  stores(first: 1) { totalCount }
}"""
BY_ID = "query($id: ID!) { customer(id: $id) { firstName email phone notes { text } } }"
ME = "{ me { id firstName email phone } }"
BY_CARD = """
query($card: String!) {
  customerByLoyaltyCard(cardNumber: $card) {
    firstName email phone notes { text }
    purchaseHistory(first: 2) { totalCount }
    orders(first: 3) { edges { node { id fulfillment { method address { city } } } } }
  }
}"""
ORDER = "query($id: ID!) { order(id: $id) { orderNumber fulfillment { method address { city } } } }"
AUDIT = "{ priceDiscrepancies(first: 1) { nodes { product { sku } } } }"
OVERDUE = "query($store: ID) { overdueAppointments(storeId: $store) { id store { code } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Customer { firstName } } }"
ENTITIES = "query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { firstName } } }"
APPOINTMENT = "query($id: ID!) { node(id: $id) { id ... on Appointment { store { code } } } }"
MY_APPOINTMENTS = "{ me { appointments { id store { code } } } }"
CUSTOMER_APPOINTMENTS = "query($id: ID!) { customer(id: $id) { appointments { id store { code } } } }"
CARD_APPOINTMENTS = "query($card: String!) { customerByLoyaltyCard(cardNumber: $card) { appointments { id } } }"
MISSING_APPOINTMENT = global_id("Appointment", "BK999999")
ANONYMOUS: dict[str, str] = {}


def shopper(world: World, n: int = 0) -> DemoCustomer:
    return [c for c in world.customers if c.card and c.webshop_id and world.history.web_orders(c)][n]


def codes(body: dict[str, Any]) -> dict[str, str]:
    return {".".join(map(str, e.get("path") or ["-"])): e["extensions"]["code"] for e in body.get("errors", [])}


def as_customer(c: DemoCustomer) -> dict[str, str]:
    return bearer(Role.CUSTOMER, c.crm_id)


def bookings_at_two_stores(world: World, first: str | None = None) -> tuple[Booking, Booking]:
    """A booking at `first` (by default the first store with one) and one at another store."""
    own = next(b for b in world.bookings if first in (None, b.store_code))
    return own, next(b for b in world.bookings if b.store_code != own.store_code)


def booked_in_two_stores(world: World) -> tuple[DemoCustomer, dict[str, str]]:
    """A card holder with appointments at two stores, and their appointments' ids by store."""
    for index, customer in enumerate(world.customers):
        stores = {global_id("Appointment", b.id): b.store_code for b in world.bookings if b.customer_index == index}
        if customer.card and len(set(stores.values())) == 2:
            return customer, stores
    raise AssertionError("the demo world has no customer booked at two stores")


async def test_anonymous_reads_catalog_prices_stores_and_availability(stack: Stack) -> None:
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    data = await stack.data(CATALOG, {"sku": sku, "near": PARIS}, ANONYMOUS)
    assert data["product"]["price"]["amount"]["amount"] and data["stores"]["totalCount"] > 0


async def test_anonymous_is_refused_customers_orders_and_staff_fields(stack: Stack) -> None:
    c = shopper(stack.world)
    order_id = global_id("Order", str(stack.world.history.web_orders(c)[0].id))
    for query, variables, field in ((BY_ID, {"id": global_id("Customer", c.crm_id)}, "customer"),
                                    (BY_CARD, {"card": c.card}, "customerByLoyaltyCard"),
                                    (ORDER, {"id": order_id}, "order"), (AUDIT, {}, "priceDiscrepancies"),
                                    (OVERDUE, {}, "overdueAppointments")):
        body = await stack.graphql(query, variables, ANONYMOUS)
        assert codes(body) == {field: "FORBIDDEN"}, body
    assert await stack.data(ME, headers=ANONYMOUS) == {"me": None}


async def test_a_customer_sees_themself_with_contact_data_and_no_notes(stack: Stack) -> None:
    c = shopper(stack.world)
    me = (await stack.data(ME, headers=as_customer(c)))["me"]
    assert me == {"id": global_id("Customer", c.crm_id), "firstName": c.first_name, "email": c.email,
                  "phone": me["phone"]} and me["phone"]
    body = await stack.graphql(BY_ID, {"id": me["id"]}, as_customer(c))
    assert body["data"]["customer"]["email"] == c.email
    assert codes(body) == {"customer.notes": "FORBIDDEN"}


async def test_another_customer_and_a_missing_one_look_the_same(stack: Stack) -> None:
    c, other = shopper(stack.world, 0), shopper(stack.world, 1)
    theirs = await stack.graphql(BY_ID, {"id": global_id("Customer", other.crm_id)}, as_customer(c))
    missing = await stack.graphql(BY_ID, {"id": global_id("Customer", "003OG9999999999AAA")}, as_customer(c))
    assert theirs["data"] == missing["data"] == {"customer": None}
    assert [e["message"] for e in theirs["errors"]] == [e["message"] for e in missing["errors"]] == ["Not allowed"]
    assert codes(theirs) == codes(missing) == {"customer": "FORBIDDEN"}
    assert codes(await stack.graphql(BY_CARD, {"card": other.card}, as_customer(c))) == \
        {"customerByLoyaltyCard": "FORBIDDEN"}


async def test_a_customer_reads_their_own_order_and_not_anothers(stack: Stack) -> None:
    c, other = shopper(stack.world, 0), shopper(stack.world, 1)
    own = global_id("Order", str(stack.world.history.web_orders(c)[0].id))
    theirs = global_id("Order", str(stack.world.history.web_orders(other)[0].id))
    missing = global_id("Order", "999999999")
    assert (await stack.data(ORDER, {"id": own}, as_customer(c)))["order"]["orderNumber"]
    for order_id in (theirs, missing):
        assert codes(await stack.graphql(ORDER, {"id": order_id}, as_customer(c))) == {"order": "FORBIDDEN"}


async def test_a_kiosk_finds_a_customer_by_card_without_contact_data_or_notes(stack: Stack) -> None:
    c = shopper(stack.world)
    body = await stack.graphql(BY_CARD, {"card": c.card}, api_key(stack.keys.kiosk))
    customer = body["data"]["customerByLoyaltyCard"]
    assert customer["firstName"] == c.first_name and customer["purchaseHistory"]["totalCount"] > 0
    assert customer["email"] is None and customer["phone"] is None and customer["notes"] is None
    refused = codes(body)
    assert {refused.pop(p) for p in ("customerByLoyaltyCard.email", "customerByLoyaltyCard.phone",
                                     "customerByLoyaltyCard.notes")} == {"FORBIDDEN"}
    assert set(refused.values()) <= {"FORBIDDEN"}  # delivery addresses of the orders
    assert all(p.endswith("fulfillment.address") for p in refused)
    assert codes(await stack.graphql(BY_ID, {"id": global_id("Customer", c.crm_id)},
                                     api_key(stack.keys.kiosk))) == {"customer": "FORBIDDEN"}


async def test_a_kiosk_of_store_a_acting_on_store_b_is_refused(stack: Stack) -> None:
    a, b = stack.world.stores[0].code, stack.world.stores[1].code
    own = await stack.data(OVERDUE, {"store": global_id("Store", a)}, api_key(stack.keys.kiosk))
    assert {x["store"]["code"] for x in own["overdueAppointments"]} <= {a}
    assert (await stack.data(OVERDUE, {}, api_key(stack.keys.kiosk)))["overdueAppointments"] == \
        own["overdueAppointments"]
    body = await stack.graphql(OVERDUE, {"store": global_id("Store", b)}, api_key(stack.keys.kiosk))
    assert codes(body) == {"overdueAppointments": "FORBIDDEN"}


async def test_staff_see_everything_with_notes_and_price_audits(stack: Stack) -> None:
    c = next(c for c in stack.world.customers if stack.world.history.notes(c))
    data = await stack.data(BY_ID, {"id": global_id("Customer", c.crm_id)}, STAFF)
    assert data["customer"]["email"] == c.email and data["customer"]["notes"]
    await stack.audit_built()
    assert (await stack.data(AUDIT, headers=STAFF))["priceDiscrepancies"]["nodes"]


async def test_staff_of_a_store_list_their_stores_appointments_only(stack: Stack) -> None:
    store = stack.world.bookings[0].store_code
    staff = bearer(Role.STAFF, "staff-7", store=store)
    data = await stack.data(OVERDUE, {}, staff)
    assert {x["store"]["code"] for x in data["overdueAppointments"]} <= {store}
    other = next(s.code for s in stack.world.stores if s.code != store)
    assert codes(await stack.graphql(OVERDUE, {"store": global_id("Store", other)}, staff)) == \
        {"overdueAppointments": "FORBIDDEN"}


async def test_staff_of_a_store_read_that_stores_appointment_by_id_and_no_other(stack: Stack) -> None:
    own, other = bookings_at_two_stores(stack.world)
    staff = bearer(Role.STAFF, "staff-7", store=own.store_code)
    data = await stack.data(APPOINTMENT, {"id": global_id("Appointment", own.id)}, staff)
    assert data == {"node": {"id": global_id("Appointment", own.id), "store": {"code": own.store_code}}}
    theirs = await stack.graphql(APPOINTMENT, {"id": global_id("Appointment", other.id)}, staff)
    missing = await stack.graphql(APPOINTMENT, {"id": MISSING_APPOINTMENT}, staff)
    assert theirs["data"] == missing["data"] == {"node": None}
    assert codes(theirs) == codes(missing) == {"node": "FORBIDDEN"}


async def test_staff_without_a_store_read_any_appointment_by_id(stack: Stack) -> None:
    for booking in bookings_at_two_stores(stack.world):
        data = await stack.data(APPOINTMENT, {"id": global_id("Appointment", booking.id)}, STAFF)
        assert data == {"node": {"id": global_id("Appointment", booking.id), "store": {"code": booking.store_code}}}
    assert await stack.data(APPOINTMENT, {"id": MISSING_APPOINTMENT}, STAFF) == {"node": None}


async def test_a_kiosk_reads_its_stores_appointment_by_id_and_no_other(stack: Stack) -> None:
    own, other = bookings_at_two_stores(stack.world, stack.world.stores[0].code)  # the kiosk's store
    kiosk = api_key(stack.keys.kiosk)
    data = await stack.data(APPOINTMENT, {"id": global_id("Appointment", own.id)}, kiosk)
    assert data == {"node": {"id": global_id("Appointment", own.id), "store": {"code": own.store_code}}}
    for appointment_id in (global_id("Appointment", other.id), MISSING_APPOINTMENT):
        assert codes(await stack.graphql(APPOINTMENT, {"id": appointment_id}, kiosk)) == {"node": "FORBIDDEN"}


async def test_a_customer_sees_their_appointments_in_every_store_through_their_profile_and_by_id(
        stack: Stack) -> None:
    c, stores = booked_in_two_stores(stack.world)
    someone_else = next(global_id("Appointment", b.id) for b in stack.world.bookings
                        if b.customer_index is not None and stack.world.customers[b.customer_index] != c)
    data = await stack.data(MY_APPOINTMENTS, headers=as_customer(c))
    assert {a["id"]: a["store"]["code"] for a in data["me"]["appointments"]} == stores
    for appointment_id, store in stores.items():  # the booking's customer card is read from the POS
        by_id = await stack.data(APPOINTMENT, {"id": appointment_id}, as_customer(c))
        assert by_id == {"node": {"id": appointment_id, "store": {"code": store}}}
    assert codes(await stack.graphql(APPOINTMENT, {"id": someone_else}, as_customer(c))) == {"node": "FORBIDDEN"}


async def test_staff_of_a_store_see_a_customers_appointments_at_their_store_only(stack: Stack) -> None:
    c, stores = booked_in_two_stores(stack.world)
    store = min(stores.values())
    staff = bearer(Role.STAFF, "staff-7", store=store)
    data = await stack.data(CUSTOMER_APPOINTMENTS, {"id": global_id("Customer", c.crm_id)}, staff)
    assert {a["id"]: a["store"]["code"] for a in data["customer"]["appointments"]} == \
        {i: s for i, s in stores.items() if s == store}


async def test_a_kiosk_sees_a_scanned_customers_appointments_at_its_store_only(stack: Stack) -> None:
    c, stores = booked_in_two_stores(stack.world)
    kiosk_store = stack.world.stores[0].code
    data = await stack.data(CARD_APPOINTMENTS, {"card": c.card}, api_key(stack.keys.kiosk))
    assert {a["id"] for a in data["customerByLoyaltyCard"]["appointments"]} == \
        {i for i, s in stores.items() if s == kiosk_store}


async def test_a_partner_sees_catalog_prices_and_availability_and_no_customer(stack: Stack) -> None:
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    partner = api_key(stack.keys.partner)
    assert (await stack.data(CATALOG, {"sku": sku, "near": PARIS}, partner))["product"]["name"]
    c = shopper(stack.world)
    for query, variables, field in ((BY_ID, {"id": global_id("Customer", c.crm_id)}, "customer"),
                                    (BY_CARD, {"card": c.card}, "customerByLoyaltyCard"),
                                    (NODE, {"id": global_id("Customer", c.crm_id)}, "node")):
        assert codes(await stack.graphql(query, variables, partner)) == {field: "FORBIDDEN"}
    entities = await stack.graphql(ENTITIES, {"reps": [{"__typename": "Customer",
                                                        "id": global_id("Customer", c.crm_id)}]}, partner)
    assert set(codes(entities).values()) == {"FORBIDDEN"}
    assert await stack.data(ME, headers=partner) == {"me": None}


async def test_a_partner_key_without_the_prices_scope_gets_no_price(stack: Stack) -> None:
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    body = await stack.graphql(CATALOG, {"sku": sku, "near": PARIS}, api_key(stack.keys.catalog_partner))
    assert codes(body) == {"product.price": "FORBIDDEN", "product.nearestAvailability": "FORBIDDEN"}
    assert body["data"]["stores"]["totalCount"] > 0


async def test_another_customer_by_node_is_refused_too(stack: Stack) -> None:
    c, other = shopper(stack.world, 0), shopper(stack.world, 1)
    assert codes(await stack.graphql(NODE, {"id": global_id("Customer", other.crm_id)}, as_customer(c))) == \
        {"node": "FORBIDDEN"}
    assert (await stack.data(NODE, {"id": global_id("Customer", c.crm_id)}, as_customer(c)))["node"]


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer not.a.jwt"},
    {"Authorization": "Basic b21uaWdhdGU6ZGVtbw=="},
    {"X-Api-Key": "ogk_unknown"},
    {"Authorization": "Bearer x", "X-Api-Key": "y"},
])
async def test_a_bad_credential_is_refused_never_downgraded_to_anonymous(stack: Stack,
                                                                         headers: dict[str, str]) -> None:
    async with stack.http.post(f"{stack.gateway_url}/graphql", json={"query": "{ stores { totalCount } }"},
                               headers=headers) as r:
        body = await r.json()
        assert r.status == 401
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "Bearer" in r.headers["WWW-Authenticate"]


async def test_an_expired_token_is_refused(stack: Stack) -> None:
    expired = bearer(Role.STAFF, "staff-1", ttl_s=-120)
    async with stack.http.post(f"{stack.gateway_url}/graphql", json={"query": AUDIT}, headers=expired) as r:
        assert r.status == 401
