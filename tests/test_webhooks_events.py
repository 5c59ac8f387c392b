"""What each kind of pushed event changes: a booking revised at the POS reaches the live hub as an appointment
change, a price changed at the POS (Square's catalog version) is read again at once although prices are cached
for ten minutes, a WooCommerce product update drops that product's cached copy, and a body streamed past 1 MiB
is refused before it is read whole; an order completed in the web shop reaches the hub with its buyer's CRM id."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from connectors.domain import System
from connectors.webhook_ports import Registration
from gateway.appkeys import BACKENDS_KEY, LIVE_KEY, REFERENCE_KEY
from gateway.live import AppointmentChanged, ChangeKind, OrderChanged
from simulators.world import World
from simulators.world.records import DemoCustomer
from tests.direct import WEBSHOP_AUTH
from tests.harness import Stack, running_stack
from tests.test_webhooks_live import subscribe, until
from tests.test_webhooks_receive import SETTLE_S, deliver, metric, register, settled, woo_headers

WEBHOOKS, ORDERS = "/webshop/wp-json/wc/v3/webhooks", "/webshop/wp-json/wc/v3/orders"
PRICES = """
query Prices($sku: String!) { product(sku: $sku) { price { channelPrices { source amount { amount } } } } }"""


@pytest.fixture
async def cached_stack(live_world: World) -> AsyncIterator[Stack]:
    """Stock and prices cached for ten minutes: only an event can make the gateway read them again."""
    async with running_stack(live_world, {"OMNIGATE_STOCK_TTL_S": "600", "OMNIGATE_PRICE_TTL_S": "600"}) as stack:
        await stack.warm()
        yield stack


async def push_from_pos(stack: Stack, *event_types: str) -> None:
    registration = await subscribe(stack.http, stack.sim_url, f"{stack.gateway_url}/webhooks/pos", event_types)
    await stack.app[BACKENDS_KEY].registrations.save(registration)


async def test_a_booking_revised_at_the_pos_reaches_the_hub(cached_stack: Stack) -> None:
    stack = cached_stack
    await push_from_pos(stack, "booking.created", "booking.updated")
    booking = next(b for b in stack.world.bookings if b.status == "PENDING")
    async with stack.app[LIVE_KEY].stream(lambda e: isinstance(e, AppointmentChanged)) as stream:
        async with stack.http.post(f"{stack.sim_url}/_sim/pos/bookings/{booking.id}/status",
                                   json={"status": "ACCEPTED"}) as r:
            assert r.status == 200, await r.text()
        event = await asyncio.wait_for(anext(stream), SETTLE_S)

    assert isinstance(event, AppointmentChanged)
    assert (event.kind, event.appointment_id, event.store_code) == (ChangeKind.UPDATED, booking.id,
                                                                    booking.store_code)


async def test_a_price_changed_at_the_pos_is_read_again_at_once(cached_stack: Stack) -> None:
    stack = cached_stack
    await push_from_pos(stack, "catalog.version.updated")
    product = next(p for p in stack.world.products if not p.delisted)

    async def pos_price() -> str:
        data = await stack.data(PRICES, {"sku": product.sku})
        return str(next(p["amount"]["amount"] for p in data["product"]["price"]["channelPrices"]
                        if p["source"] == "pos"))

    before = await pos_price()
    async with stack.http.post(f"{stack.sim_url}/_sim/pos/catalog/prices",
                               json={"sku": product.sku, "amount": 123456}) as r:
        assert r.status == 200, await r.text()

    await until(pos_price, "1234.56")
    assert before != "1234.56"


async def test_a_woocommerce_product_update_drops_that_products_cached_copy(cached_stack: Stack) -> None:
    stack = cached_stack
    await register(stack)
    cache = stack.app[REFERENCE_KEY].caches.online_products
    product = next(p for p in stack.world.products if p.webshop_id is not None)
    other = next(p for p in stack.world.products if p.webshop_id not in (None, product.webshop_id))
    await cache.get_many([str(product.webshop_id), str(other.webshop_id)])
    body = json.dumps({"id": product.webshop_id, "sku": product.sku, "price": "1.00",
                       "date_modified_gmt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")}).encode()

    assert await deliver(stack, "/webhooks/webshop", body, woo_headers("product.updated", "d-p1", body)) == 200
    await settled(stack)

    held = cache.held_keys()
    assert str(product.webshop_id) not in held and str(other.webshop_id) in held


async def test_a_body_streamed_past_one_mebibyte_is_refused(cached_stack: Stack) -> None:
    stack = cached_stack
    await stack.app[BACKENDS_KEY].registrations.save(
        Registration(System.POS, "wbhk_1", f"{stack.gateway_url}/webhooks/pos", "key", datetime.now(UTC)))

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: only reading tells the size
        for _ in range(20):
            yield b" " * 65536

    async with stack.http.post(f"{stack.gateway_url}/webhooks/pos", data=chunks(),
                               headers={"x-square-hmacsha256-signature": "x"}) as r:
        status = r.status

    assert status == 413
    assert await metric(stack, "omnigate_webhook_deliveries_rejected_total", system="pos", reason="too_large") == 1


async def orders_pushed(stack: Stack) -> None:
    """The web shop simulator's order.updated webhook to this gateway, registered as `webhooks register` would."""
    url, secret = f"{stack.gateway_url}/webhooks/webshop", "generated-by-omnigate-0123456789"
    async with stack.http.post(f"{stack.sim_url}{WEBHOOKS}", params=WEBSHOP_AUTH, json={
            "name": "omnigate", "topic": "order.updated", "delivery_url": url, "secret": secret}) as r:
        created = await r.json()
        assert r.status == 201, created
    await stack.app[BACKENDS_KEY].registrations.save(
        Registration(System.WEBSHOP, str(created["id"]), url, secret, datetime.now(UTC)))


async def test_an_order_completed_in_the_web_shop_reaches_the_hub_with_its_buyers_crm_id(
        cached_stack: Stack) -> None:
    stack = cached_stack
    await orders_pushed(stack)
    buyer, order = await open_order(stack)
    async with stack.app[LIVE_KEY].stream(lambda e: isinstance(e, OrderChanged)) as stream:
        async with stack.http.post(f"{stack.sim_url}/_sim/webshop/orders/{order}/status",
                                   json={"status": "completed"}) as r:
            assert r.status == 200, await r.text()
        event = await asyncio.wait_for(anext(stream), SETTLE_S)

    assert isinstance(event, OrderChanged)
    assert (event.order_id, event.customer_id) == (str(order), buyer.crm_id)
    async with stack.http.get(f"{stack.sim_url}/_sim/webshop/webhooks/deliveries") as r:
        deliveries = (await r.json())["deliveries"]
    assert [(d["event"] == "ping", d["ok"]) for d in deliveries][:1] == [(True, True)]


async def open_order(stack: Stack) -> tuple[DemoCustomer, int]:
    """A customer with a web shop account and one of their orders not completed yet."""
    for buyer in stack.world.customers:
        if buyer.webshop_id is None:
            continue
        async with stack.http.get(f"{stack.sim_url}{ORDERS}", params={
                **WEBSHOP_AUTH, "customer": str(buyer.webshop_id), "status": "processing"}) as r:
            orders = await r.json()
        if orders:
            return buyer, int(orders[0]["id"])
    raise AssertionError("no customer has an order in processing")
