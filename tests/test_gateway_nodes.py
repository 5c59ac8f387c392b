"""Every Node type by its global id, orders by id, overdue appointments, federation entities."""

from datetime import UTC, datetime, timedelta

from gateway.hours import after_open_time
from gateway.schema.relay import global_id
from tests.harness import Stack
from tests.test_adapter_pos import as_store
from tests.test_gateway_customers import busy_customer

HISTORY_IDS = """
query Ids($card: String!) {
  customerByLoyaltyCard(cardNumber: $card) {
    id
    purchaseHistory(first: 100) { edges { node { id channel ... on Order { orderNumber } } } }
  }
}"""
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    id
    __typename
    ... on Product { sku }
    ... on Store { code }
    ... on Customer { firstName }
    ... on Order { orderNumber customer { id } }
    ... on StoreReceipt { receiptNumber }
    ... on Appointment { topic status store { code } }
  }
}"""
ORDER = "query($id: ID!) { order(id: $id) { orderNumber status total { amount } customer { firstName } } }"
OVERDUE = "{ overdueAppointments { id status respondBy store { code } } }"
ENTITIES = """
query Entities($reps: [_Any!]!) {
  _entities(representations: $reps) { __typename ... on Product { sku name } ... on Store { code } }
}"""
ME = "{ me { id } }"
RECEIPT = """
query Receipt($id: ID!) {
  node(id: $id) { ... on StoreReceipt { receiptNumber channel store { code } total { amount } lines { sku } } }
}"""


async def test_node_resolves_every_node_type(stack: Stack) -> None:
    world = stack.world
    c = busy_customer(world)
    history = (await stack.data(HISTORY_IDS, {"card": c.card}))["customerByLoyaltyCard"]
    order = next(e["node"] for e in history["purchaseHistory"]["edges"] if e["node"]["channel"] == "WEB")
    receipt = next(e["node"] for e in history["purchaseHistory"]["edges"] if e["node"]["channel"] == "STORE")
    booking = world.bookings[0]
    expected = {
        global_id("Product", world.products[0].sku): "Product",
        global_id("Store", world.stores[0].code): "Store",
        history["id"]: "Customer",
        order["id"]: "Order",
        receipt["id"]: "StoreReceipt",
        global_id("Appointment", booking.id): "Appointment",
    }
    for node_id, type_name in expected.items():
        node = (await stack.data(NODE, {"id": node_id}))["node"]
        assert node is not None and (node["id"], node["__typename"]) == (node_id, type_name)
    assert (await stack.data(NODE, {"id": order["id"]}))["node"]["orderNumber"] == order["orderNumber"]
    appointment = (await stack.data(NODE, {"id": global_id("Appointment", booking.id)}))["node"]
    assert appointment["store"]["code"] == booking.store_code


async def test_node_of_an_unknown_type_or_key_is_null(stack: Stack) -> None:
    for node_id in (global_id("Galaxy", "far"), global_id("Order", "999999999"), global_id("StoreReceipt", "RNOPE")):
        assert (await stack.data(NODE, {"id": node_id})) == {"node": None}


async def test_an_order_by_id_knows_its_customer(stack: Stack) -> None:
    c = busy_customer(stack.world)
    web_order = stack.world.history.web_orders(c)[-1]
    data = (await stack.data(ORDER, {"id": global_id("Order", str(web_order.id))}))["order"]
    assert data["orderNumber"] == str(web_order.id)
    assert data["customer"]["firstName"] == c.first_name
    assert data["total"]["amount"] == f"{web_order.total / 100:.2f}"


async def test_overdue_appointments_are_unanswered_requests_past_their_deadline(stack: Stack) -> None:
    now = datetime.now(UTC)
    stores = {s.code: as_store(s) for s in stack.world.stores}
    due = {b.id: after_open_time(stores[b.store_code], b.created_at, timedelta(hours=24))
           for b in stack.world.bookings}
    expected = {global_id("Appointment", b.id): due[b.id] for b in stack.world.bookings
                if b.status == "PENDING" and (due[b.id] or now) < now
                and now - timedelta(days=31) <= b.start_at < now + timedelta(days=31)}
    assert expected, "the demo world seeds overdue requests"
    found = (await stack.data(OVERDUE))["overdueAppointments"]
    assert {a["id"]: datetime.fromisoformat(a["respondBy"]) for a in found} == expected
    assert all(a["status"] == "REQUESTED" for a in found)


async def test_federation_entities_resolve_through_the_same_loaders(stack: Stack) -> None:
    product, store = stack.world.products[1], stack.world.stores[2]
    reps = [{"__typename": "Product", "sku": product.sku},
            {"__typename": "Store", "id": global_id("Store", store.code)}]
    data = await stack.data(ENTITIES, {"reps": reps})
    assert data["_entities"][1] == {"__typename": "Store", "code": store.code}
    assert data["_entities"][0] == (None if product.delisted else
                                    {"__typename": "Product", "sku": product.sku, "name": product.name})


async def test_me_is_null_without_a_signed_in_customer(stack: Stack) -> None:
    assert await stack.data(ME) == {"me": None}


async def test_an_anonymous_till_receipt_resolves_without_a_customer(stack: Stack) -> None:
    store = next(s for s in stack.world.stores if stack.world.history.anonymous_receipts(s))
    receipt = stack.world.history.anonymous_receipts(store)[0]
    node = (await stack.data(RECEIPT, {"id": global_id("StoreReceipt", receipt.id)}))["node"]
    assert (node["receiptNumber"], node["channel"], node["store"]["code"]) == (receipt.id, "STORE", store.code)
    assert node["total"]["amount"] == f"{receipt.total / 100:.2f}"
    assert [line["sku"] for line in node["lines"]] == [stack.world.products[x.product_index].sku
                                                       for x in receipt.lines]
