"""GraphQL subscriptions over WebSocket on /graphql: live events reach those who may see them, re-read under the
rules of queries (Python gql's WebSocket transport, both protocols); the refusals, with their codes."""

from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import WSMsgType
from gql.transport.exceptions import TransportQueryError
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.appkeys import LIVE_KEY
from gateway.auth.principals import Role
from gateway.live import StockChanged
from gateway.schema.relay import global_id
from simulators.world.records import DemoProduct
from tests.harness import Stack, api_key, bearer
from tests.ordering import PICKUP_STORE, online_with_few_left, place, shopper
from tests.subscribers import LEGACY_WS, TRANSPORT_WS, subscribed, until, until_streams, ws_url
from tests.test_gateway_appointments import ELSEWHERE, STORE, opening, request, respond, staff
from tests.test_gateway_collect_order import COLLECT as COLLECT_ORDER
from tests.test_gateway_collect_order import pickup_order
from tests.test_gateway_reservations import CANCEL, customer, few_left, reserve
from tests.test_gateway_reservations import STORE as HOLDING_STORE

APPOINTMENTS = """
subscription Requests($store: ID!) {
  appointmentRequests(storeId: $store) { kind occurredAt appointment { id status topic store { code } } }
}"""
RESERVATIONS = """
subscription Holds($store: ID!) {
  reservationEvents(storeId: $store) { kind reservation { id status quantity product { sku } } }
}"""
STOCK = """
subscription Stock($skus: [String!]!, $stores: [ID!]!) {
  stockChanges(skus: $skus, storeIds: $stores) { sku availability { quantity store { code } } }
}"""
ORDERS = "subscription Mine { myOrderUpdates { order { id status } } }"
COLLECT_RESERVATION = "mutation C($id: ID!) { collectReservation(id: $id) { userErrors { code } } }"
POS = {"Authorization": "Bearer demo-pos-token"}


def store_id(code: str) -> dict[str, str]:
    return {"store": global_id("Store", code)}


def codes(error: BaseException | None) -> list[str]:
    assert isinstance(error, TransportQueryError), error
    return [e["extensions"]["code"] for e in error.errors or []]


async def refusal(stack: Stack, document: str, variables: dict[str, Any], init: dict[str, str],
                  protocol: str = TRANSPORT_WS) -> list[str]:
    async with subscribed(ws_url(stack.gateway_url), document, variables, init, protocol) as refused:
        return codes(await refused.ended())


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_an_appointment_requested_with_the_apps_token_reaches_the_stores_staff(stack: Stack,
                                                                                     protocol: str) -> None:
    # given staff of the store subscribed
    async with subscribed(ws_url(stack.gateway_url), APPOINTMENTS, store_id(STORE), staff(STORE),
                          protocol) as staff_sees:
        await until_streams(stack.app, 1, staff_sees)
        # when a customer requests an appointment there with the app's token (over HTTP)
        payload = await request(stack)
        # then staff have it within a second, as they would read it by query
        event = await staff_sees.next(timeout_s=1.0)
    appointment = payload["appointment"]
    assert event == {"appointmentRequests": {
        "kind": "CREATED", "occurredAt": event["appointmentRequests"]["occurredAt"],
        "appointment": {"id": appointment["id"], "status": "REQUESTED", "topic": appointment["topic"],
                        "store": {"code": STORE}}}}


async def test_the_stores_kiosk_sees_the_answer_and_another_store_sees_nothing(stack: Stack) -> None:
    url = ws_url(stack.gateway_url)
    async with subscribed(url, APPOINTMENTS, store_id(STORE), api_key(stack.keys.kiosk)) as kiosk_sees, \
            subscribed(url, APPOINTMENTS, store_id(ELSEWHERE), staff(ELSEWHERE)) as elsewhere_sees:
        await until_streams(stack.app, 2, kiosk_sees, elsewhere_sees)
        appointment = (await request(stack))["appointment"]["id"]
        await respond(stack, appointment, accept=True)
        elsewhere = (await request(stack, key="elsewhere", storeId=global_id("Store", ELSEWHERE),
                                   requestedFor=opening(stack, ELSEWHERE)))["appointment"]["id"]
        made, answered = await kiosk_sees.next(), await kiosk_sees.next()
        # the other store's staff get their own store's request first, never this one
        theirs = await elsewhere_sees.next()
    assert [(e["appointmentRequests"]["kind"], e["appointmentRequests"]["appointment"]["status"])
            for e in (made, answered)] == [("CREATED", "REQUESTED"), ("UPDATED", "CONFIRMED")]
    assert theirs["appointmentRequests"]["appointment"]["id"] == elsewhere


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_another_stores_staff_a_customer_and_no_credentials_are_refused(stack: Stack, protocol: str) -> None:
    here = store_id(STORE)
    assert await refusal(stack, APPOINTMENTS, here, staff(ELSEWHERE), protocol) == ["FORBIDDEN"]
    assert await refusal(stack, APPOINTMENTS, here, customer(), protocol) == ["FORBIDDEN"]
    assert await refusal(stack, APPOINTMENTS, here, api_key(stack.keys.other_kiosk), protocol) == ["FORBIDDEN"]
    assert await refusal(stack, APPOINTMENTS, here, {}, protocol) == ["UNAUTHENTICATED"]
    assert await refusal(stack, RESERVATIONS, here, api_key(stack.keys.kiosk), protocol) == ["FORBIDDEN"]
    assert await refusal(stack, RESERVATIONS, here, {}, protocol) == ["UNAUTHENTICATED"]
    assert await refusal(stack, ORDERS, {}, staff(STORE), protocol) == ["FORBIDDEN"]
    assert await refusal(stack, ORDERS, {}, {}, protocol) == ["UNAUTHENTICATED"]
    assert await refusal(stack, APPOINTMENTS, store_id("NOWHERE1"), staff(None), protocol) == ["BAD_USER_INPUT"]
    assert stack.app[LIVE_KEY].open_streams == 0


async def test_a_bad_token_closes_the_connection_before_anything_runs(stack: Stack) -> None:
    bad = {"Authorization": "Bearer not-a-token"}
    # graphql-transport-ws: closed with 4403 (Forbidden), its clients' signal not to retry
    async with stack.http.ws_connect(ws_url(stack.gateway_url), protocols=[TRANSPORT_WS]) as ws:
        await ws.send_json({"type": "connection_init", "payload": bad})
        closing = await ws.receive()
    assert (closing.type, ws.close_code) == (WSMsgType.CLOSE, 4403)
    # the legacy protocol says why, with the code
    async with stack.http.ws_connect(ws_url(stack.gateway_url), protocols=[LEGACY_WS]) as ws:
        await ws.send_json({"type": "connection_init", "payload": bad})
        answer = await ws.receive_json()
    assert answer["type"] == "connection_error"
    assert answer["payload"]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_credentials_on_the_upgrade_request_serve_when_connection_init_carries_none(stack: Stack) -> None:
    async with subscribed(ws_url(stack.gateway_url), APPOINTMENTS, store_id(STORE), {},
                          headers=staff(STORE)) as staff_sees:
        await until_streams(stack.app, 1, staff_sees)
        payload = await request(stack)
        event = await staff_sees.next()
    assert event["appointmentRequests"]["appointment"]["id"] == payload["appointment"]["id"]


async def test_reservations_to_prepare_then_cancelled_reach_the_stores_staff(stack: Stack) -> None:
    product, _ = few_left(stack)
    async with subscribed(ws_url(stack.gateway_url), RESERVATIONS, store_id(HOLDING_STORE),
                          staff(HOLDING_STORE)) as staff_sees:
        await until_streams(stack.app, 1, staff_sees)
        held = (await reserve(stack, customer(), sku=product.sku, quantity=1))["reservation"]
        await stack.data(CANCEL, {"id": held["id"]}, customer())
        made, cancelled = await staff_sees.next(), await staff_sees.next()
    assert made == {"reservationEvents": {"kind": "CREATED", "reservation": {
        "id": held["id"], "status": "ACTIVE", "quantity": 1, "product": {"sku": product.sku}}}}
    assert cancelled["reservationEvents"]["kind"] == "UPDATED"
    assert cancelled["reservationEvents"]["reservation"]["status"] == "CANCELLED"


async def test_a_till_sale_reaches_a_stock_subscriber_with_the_new_sellable_quantity(stack: Stack) -> None:
    # given an anonymous shopper following an article at two stores
    product, left = online_with_few_left(stack, PICKUP_STORE)
    stores = [global_id("Store", PICKUP_STORE), global_id("Store", STORE)]
    async with subscribed(ws_url(stack.gateway_url), STOCK, {"skus": [product.sku], "stores": stores}) as follows:
        await until_streams(stack.app, 1, follows)
        # when the till sells two units and the hub is told (as the POS's webhook tells it)
        await _till_sale(stack, product, PICKUP_STORE, 2)
        stack.app[LIVE_KEY].publish(StockChanged(product.gtin, PICKUP_STORE, _now(), quantity=left - 2))
        stack.app[LIVE_KEY].publish(StockChanged("0000000000000", PICKUP_STORE, _now()))  # not followed
        stack.app[LIVE_KEY].publish(StockChanged(product.gtin, PICKUP_STORE, _now()))
        first, second = await follows.next(), await follows.next()
    # then the subscriber reads the figure as availability shows it now
    expected = {"stockChanges": {"sku": product.sku, "availability": {
        "quantity": left - 2, "store": {"code": PICKUP_STORE}}}}
    assert first == expected and second == expected


async def test_stock_follows_at_most_fifty_pairs_and_partners_need_the_availability_scope(stack: Stack) -> None:
    skus = [p.sku for p in stack.world.products[:11]]
    stores = [global_id("Store", s.code) for s in stack.world.stores[:5]]
    assert await refusal(stack, STOCK, {"skus": skus, "stores": stores}, {}) == ["BAD_USER_INPUT"]
    assert await refusal(stack, STOCK, {"skus": [], "stores": stores}, {}) == ["BAD_USER_INPUT"]
    assert await refusal(stack, STOCK, {"skus": skus[:10], "stores": stores},
                         api_key(stack.keys.catalog_partner)) == ["FORBIDDEN"]


async def test_order_updates_reach_only_their_buyer(stack: Stack) -> None:
    buyer, other = shopper(stack), shopper(stack, skip=1)
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    url = ws_url(stack.gateway_url)
    async with subscribed(url, ORDERS, {}, bearer(Role.CUSTOMER, buyer.crm_id)) as buyer_sees, \
            subscribed(url, ORDERS, {}, bearer(Role.CUSTOMER, other.crm_id)) as other_sees:
        await until_streams(stack.app, 2, buyer_sees, other_sees)
        mine = await place(stack, bearer(Role.CUSTOMER, buyer.crm_id), lines=[(product.sku, 1)],
                           fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE)
        theirs = await place(stack, bearer(Role.CUSTOMER, other.crm_id), lines=[(product.sku, 1)],
                             fulfillment="PICKUP_IN_STORE", store=PICKUP_STORE, key="o2")
        seen_by_buyer, seen_by_other = await buyer_sees.next(), await other_sees.next()
    assert seen_by_buyer == {"myOrderUpdates": {"order": {"id": mine["order"]["id"], "status": "PENDING"}}}
    # the other customer's first event is their own order: the buyer's never reached them
    assert seen_by_other == {"myOrderUpdates": {"order": {"id": theirs["order"]["id"], "status": "PENDING"}}}


async def _till_sale(stack: Stack, product: DemoProduct, store: str, units: int) -> None:
    """A sale at the store's till, through the POS's own inventory API."""
    search = {"object_types": ["ITEM_VARIATION"], "query": {"exact_query": {
        "attribute_name": "upc", "attribute_value": product.gtin}}}
    async with stack.http.post(f"{stack.sim_url}/pos/v2/catalog/search", json=search, headers=POS) as r:
        variation = (await r.json())["objects"][0]["id"]
    change = {"type": "ADJUSTMENT", "adjustment": {
        "from_state": "IN_STOCK", "to_state": "SOLD", "location_id": store, "catalog_object_id": variation,
        "quantity": str(units), "occurred_at": _now().isoformat().replace("+00:00", "Z")}}
    async with stack.http.post(f"{stack.sim_url}/pos/v2/inventory/changes/batch-create", headers=POS,
                               json={"idempotency_key": f"till-{product.sku}", "changes": [change]}) as r:
        assert r.status == 200, await r.text()


def _now() -> datetime:
    return datetime.now(UTC)


async def test_an_order_handed_over_at_the_counter_reaches_its_buyer_completed(stack: Stack) -> None:
    order, _, _ = await pickup_order(stack)
    buyer = bearer(Role.CUSTOMER, shopper(stack).crm_id)
    async with subscribed(ws_url(stack.gateway_url), ORDERS, {}, buyer) as buyer_sees:
        await until_streams(stack.app, 1, buyer_sees)
        await stack.data(COLLECT_ORDER, {"id": order}, staff(PICKUP_STORE))
        event = await buyer_sees.next()
    assert event == {"myOrderUpdates": {"order": {"id": order, "status": "COMPLETED"}}}


async def test_a_reservation_collected_at_the_till_reaches_the_stores_staff(stack: Stack) -> None:
    product, _ = few_left(stack)
    held = (await reserve(stack, customer(), sku=product.sku, quantity=1))["reservation"]
    async with subscribed(ws_url(stack.gateway_url), RESERVATIONS, store_id(HOLDING_STORE),
                          staff(HOLDING_STORE)) as staff_sees:
        await until_streams(stack.app, 1, staff_sees)
        await stack.data(COLLECT_RESERVATION, {"id": held["id"]}, staff(HOLDING_STORE))
        event = await staff_sees.next()
    assert event["reservationEvents"]["kind"] == "UPDATED"
    assert event["reservationEvents"]["reservation"]["status"] == "COLLECTED"


async def test_a_subscription_is_one_operation_span_with_each_events_reads_beneath(
        stack: Stack, exporter: InMemorySpanExporter) -> None:
    exporter.clear()
    async with subscribed(ws_url(stack.gateway_url), APPOINTMENTS, store_id(STORE), staff(STORE)) as staff_sees:
        await until_streams(stack.app, 1, staff_sees)
        await request(stack)
        await staff_sees.next()
    await until(lambda: any(s.name == "subscription Requests" for s in exporter.get_finished_spans()))
    spans = {s.context.span_id: s for s in exporter.get_finished_spans() if s.context}
    [operation] = [s for s in spans.values() if s.name == "subscription Requests"]
    assert operation.attributes is not None and operation.attributes["graphql.operation.type"] == "subscription"
    beneath = [s for s in spans.values() if s.parent and s.parent.span_id == operation.context.span_id]
    assert beneath, "the event's re-read is traced under the subscription"


async def test_three_staff_screens_cost_the_pos_one_read_of_the_appointment(stack: Stack) -> None:
    url, here = ws_url(stack.gateway_url), store_id(STORE)
    async with subscribed(url, APPOINTMENTS, here, staff(STORE)) as first, \
            subscribed(url, APPOINTMENTS, here, staff(None)) as second, \
            subscribed(url, APPOINTMENTS, here, api_key(stack.keys.kiosk)) as kiosk:
        await until_streams(stack.app, 3, first, second, kiosk)
        await request(stack, key="warm")  # the customer's card and the store's bookings seen once
        for screen in (first, second, kiosk):
            await screen.next()
        await stack.reset_calls()
        made = (await request(stack, key="counted"))["appointment"]["id"]
        seen = [(await screen.next())["appointmentRequests"]["appointment"]["id"] for screen in (first, second, kiosk)]
    assert seen == [made] * 3
    # the mutation's answer reads the booking once, and the three subscribers share one read
    assert (await stack.calls())["GET /pos/v2/bookings/{booking_id}"] == 2
