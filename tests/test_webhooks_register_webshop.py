"""The web shop connector's webhook calls (WooCommerce `/webhooks`) and `modified_after` re-reads against the web
shop simulator over real HTTP: webhooks created with Omnigate's secret, listed whatever their status, made active
again, deleted; orders and products changed since a moment read back as `<kind>.updated` deliveries."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from connectors.credentials import DEMO_CREDENTIALS
from connectors.http import basic_auth
from connectors.webshop.adapter import WebshopAdapter
from simulators.host import SimulatorHost
from simulators.world import World

from .test_webhooks_catchup import web_order
from .webhook_receiver import Receiver, receiver

WOO = "/webshop/wp-json/wc/v3"
AUTH = basic_auth(DEMO_CREDENTIALS.webshop_key, DEMO_CREDENTIALS.webshop_secret)

__all__ = ["receiver"]  # a fixture


@pytest.fixture
async def shop(world: World, session: aiohttp.ClientSession) -> AsyncIterator[tuple[WebshopAdapter, str]]:
    """The adapter and the simulators' base URL."""
    host = SimulatorHost(world)
    url = await host.start()
    try:
        yield WebshopAdapter.connect(session, f"{url}/webshop", DEMO_CREDENTIALS.webshop_key,
                                     DEMO_CREDENTIALS.webshop_secret), url
    finally:
        await host.stop()


async def test_webhooks_are_created_listed_reactivated_and_deleted(shop: tuple[WebshopAdapter, str],
                                                                   receiver: Receiver,
                                                                   session: aiohttp.ClientSession) -> None:
    # given
    hooks, url = shop[0].webhooks, shop[1]
    # when
    created = await hooks.create("Omnigate order.updated", receiver.url, "order.updated", "s3cret")
    async with session.put(f"{url}{WOO}/webhooks/{created.id}", json={"status": "disabled"}, headers=AUTH) as r:
        assert r.status == 200
    listed = await hooks.webhooks()
    again = await hooks.update(created.id, receiver.url, "n3w-s3cret", active=True)
    async with session.get(f"{url}{WOO}/webhooks/{created.id}", headers=AUTH) as r:
        stored = await r.json()
    await hooks.delete(created.id)
    await hooks.delete(created.id)  # gone already: nothing to do
    # then
    assert (created.name, created.url, created.topics, created.enabled) == (
        "Omnigate order.updated", receiver.url, ("order.updated",), True)
    assert [(s.id, s.enabled) for s in listed] == [(created.id, False)]  # disabled ones are listed too
    assert again.enabled and stored["secret"] == "n3w-s3cret" and stored["status"] == "active"
    assert await hooks.webhooks() == []


async def test_orders_products_and_customers_modified_since_are_read_back_as_deliveries(
        world: World, shop: tuple[WebshopAdapter, str], session: aiohttp.ClientSession) -> None:
    # given: one order and one product changed after `since` (no customer: the simulator changes none)
    changes, url = shop[0].webhooks, shop[1]
    since = datetime.now(UTC) - timedelta(seconds=2)
    order = web_order(world)
    async with session.put(f"{url}{WOO}/orders/{order}", json={"status": "cancelled"}, headers=AUTH) as r:
        assert r.status == 200
    async with session.get(f"{url}{WOO}/products", params={"per_page": "1"}, headers=AUTH) as r:
        product = (await r.json())[0]["id"]
    async with session.post(f"{url}{WOO}/products/batch", json={"update": [{"id": product, "stock_quantity": 3}]},
                            headers=AUTH) as r:
        assert r.status == 200
    # when
    orders = await changes.changed_orders(since)
    products = await changes.changed_products(since)
    customers = await changes.changed_customers(since)
    nothing = await changes.changed_orders(datetime.now(UTC) + timedelta(minutes=1))
    # then
    assert [(e.type, json.loads(e.body)["id"], json.loads(e.body)["status"]) for e in orders] == [
        ("order.updated", order, "cancelled")]
    assert orders[0].event_id.startswith(f"modified:order.updated:{order}:") and orders[0].created_at >= since
    assert {e.type for e in products} == {"product.updated"}  # the cancelled order's articles were restocked too
    assert product in [json.loads(e.body)["id"] for e in products]
    assert customers == []
    assert nothing == []
    assert await changes.changed_orders(since) == orders  # the same change read twice is the same event
