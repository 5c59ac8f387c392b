"""What the back offices push reaches subscribers end to end (the simulators deliver signed webhooks to the
gateway): a till sale in the POS simulator (its inventory API) reaches a `stockChanges` subscriber with the new
sellable quantity, a booking made at the POS (its Bookings API) reaches the store's staff, and an order completed
in the web shop simulator reaches its buyer's `myOrderUpdates` and no other customer's."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from tests.direct import POS
from tests.harness import Stack, bearer
from tests.subscribers import subscribed, until_streams, ws_url
from tests.test_gateway_appointments import staff
from tests.test_gateway_reservations import STORE, few_left
from tests.test_subscriptions import APPOINTMENTS, ORDERS, STOCK
from tests.test_webhooks_events import cached_stack, open_order, orders_pushed, push_from_pos
from tests.test_webhooks_receive import SETTLE_S, in_store, sell_at_the_till, variation_of

__all__ = ["cached_stack"]  # the fixture
BOOKING_STORE = "PAR01"  # takes appointments
SERVICES = {"object_types": ["ITEM"], "query": {"exact_query": {
    "attribute_name": "product_type", "attribute_value": "APPOINTMENTS_SERVICE"}}}


async def test_a_till_sale_reaches_a_stock_subscriber_and_the_next_read(cached_stack: Stack) -> None:
    stack = cached_stack
    await push_from_pos(stack, "inventory.count.updated")
    product, left = few_left(stack)
    variables = {"skus": [product.sku], "stores": [global_id("Store", STORE)]}
    async with subscribed(ws_url(stack.gateway_url), STOCK, variables) as follows:
        await until_streams(stack.app, 1, follows)
        await sell_at_the_till(stack.http, stack.sim_url, await variation_of(stack.http, stack.sim_url, product), 2)
        event = await follows.next(timeout_s=SETTLE_S)
    assert event == {"stockChanges": {"sku": product.sku, "availability": {
        "quantity": left - 2, "store": {"code": STORE}}}}
    assert await in_store(stack, product) == left - 2  # the stock TTL is ten minutes


async def test_a_booking_made_at_the_pos_reaches_the_stores_staff(cached_stack: Stack) -> None:
    stack = cached_stack
    await push_from_pos(stack, "booking.created")
    async with subscribed(ws_url(stack.gateway_url), APPOINTMENTS, {"store": global_id("Store", BOOKING_STORE)},
                          staff(BOOKING_STORE)) as staff_sees:
        await until_streams(stack.app, 1, staff_sees)
        booking = await book_at_the_pos(stack, BOOKING_STORE)
        event = await staff_sees.next(timeout_s=SETTLE_S)
    assert event["appointmentRequests"]["kind"] == "CREATED"
    assert event["appointmentRequests"]["appointment"]["id"] == global_id("Appointment", booking)


async def test_an_order_completed_in_the_web_shop_reaches_its_buyer_only(cached_stack: Stack) -> None:
    stack = cached_stack
    await orders_pushed(stack)
    buyer, order = await open_order(stack)
    other = next(c for c in stack.world.customers if c.webshop_id is not None and c.crm_id != buyer.crm_id)
    socket = ws_url(stack.gateway_url)
    async with subscribed(socket, ORDERS, {}, bearer(Role.CUSTOMER, buyer.crm_id)) as buyer_sees, \
            subscribed(socket, ORDERS, {}, bearer(Role.CUSTOMER, other.crm_id)) as other_sees:
        await until_streams(stack.app, 2, buyer_sees, other_sees)
        async with stack.http.post(f"{stack.sim_url}/_sim/webshop/orders/{order}/status",
                                   json={"status": "completed"}) as r:
            assert r.status == 200, await r.text()
        event = await buyer_sees.next(timeout_s=SETTLE_S)
        await asyncio.sleep(0.2)  # the hub offered the event to every stream at once
        assert other_sees.received.empty()
    assert event == {"myOrderUpdates": {"order": {"id": global_id("Order", str(order)), "status": "COMPLETED"}}}


async def book_at_the_pos(stack: Stack, store: str) -> str:
    """A booking made in the store's own booking app (Square's CreateBooking); its id."""
    async with stack.http.post(f"{stack.sim_url}/pos/v2/catalog/search", json=SERVICES, headers=POS) as r:
        service = (await r.json())["objects"][0]["item_data"]["variations"][0]
    async with stack.http.get(f"{stack.sim_url}/pos/v2/bookings/team-member-booking-profiles",
                              params={"location_id": store}, headers=POS) as r:
        team = (await r.json())["team_member_booking_profiles"][0]["team_member_id"]
    start = (datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)).isoformat().replace("+00:00", "Z")
    async with stack.http.post(f"{stack.sim_url}/pos/v2/bookings", headers=POS, json={
            "idempotency_key": str(uuid.uuid4()), "booking": {
                "location_id": store, "start_at": start, "customer_note": "Test drive, walk-in",
                "appointment_segments": [{"team_member_id": team, "service_variation_id": service["id"],
                                          "service_variation_version": service["version"]}]}}) as r:
        body = await r.json()
        assert r.status == 200, body
    booking: str = body["booking"]["id"]
    return booking
