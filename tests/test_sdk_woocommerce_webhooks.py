"""The web shop simulator pushes like WooCommerce: webhooks made and changed with `woocommerce` (WooCommerce's own
Python client, OAuth-signed over plain HTTP), a ping on creation and on activation, deliveries of the resource
as the REST API returns it with the X-WC-Webhook-* headers and a signature checked here, no retry, and a webhook
disabled after 5 failures in a row. The client is synchronous, so each call runs in a worker thread while the
simulators and a real receiver on 127.0.0.1 run in the test's loop.
"""

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
import requests
from woocommerce import API

from simulators.host import SimulatorHost
from simulators.world import World

from .test_sim_webshop_support import KEY, SECRET
from .webhook_receiver import Delivery, Receiver, receiver, receiving

SECRET_OF_HOOK = "s3cr3t-omnigate"
TIMEOUT = 30  # a listing across every customer's orders can be slow on a loaded machine

__all__ = ["receiver"]  # a fixture


@dataclass
class Shop:
    url: str  # the host's base URL
    site: str  # the shop's site URL
    api: API
    http: aiohttp.ClientSession

    async def call(self, method: str, path: str, *args: Any, **kwargs: Any) -> requests.Response:
        call: Callable[..., requests.Response] = getattr(self.api, method)
        return await asyncio.to_thread(call, path, *args, **kwargs)

    async def control(self, method: str, path: str, body: object = None) -> Any:
        async with self.http.request(method, f"{self.url}/_sim/webshop{path}", json=body) as r:
            assert r.status == 200, await r.text()
            return await r.json()

    async def hook(self, receiver: Receiver, topic: str) -> dict[str, Any]:
        """A webhook for `topic`; waits for its ping, then forgets it."""
        before = len(receiver.deliveries)
        created = await self.call("post", "webhooks", {"name": topic, "topic": topic, "secret": SECRET_OF_HOOK,
                                                       "delivery_url": receiver.url})
        assert created.status_code == 201, created.text
        await receiver.wait_for(before + 1)
        receiver.deliveries.clear()
        return dict(created.json())

    async def an_order(self, status: str = "processing") -> dict[str, Any]:
        listed = await self.call("get", "orders", params={"status": status, "per_page": 1})
        return dict(listed.json()[0])

    async def failure_count(self, webhook_id: int) -> int:
        hooks = (await self.control("GET", "/webhooks"))["webhooks"]
        return int(next(h for h in hooks if h["id"] == webhook_id)["failure_count"])

    async def settled(self) -> None:
        for _ in range(200):
            if (await self.control("GET", "/webhooks/deliveries"))["pending"] == 0:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("deliveries still pending")


@pytest.fixture
async def shop(world: World) -> AsyncIterator[Shop]:
    host = SimulatorHost(world)
    url = await host.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Shop(url, f"{url}/webshop", API(url=f"{url}/webshop", consumer_key=KEY, consumer_secret=SECRET,
                                                  version="wc/v3", timeout=TIMEOUT), http)
    finally:
        await host.stop()


def woo_signature(secret: str, raw: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def order_updates(receiver: Receiver) -> list[Delivery]:
    return receiver.of_type("X-WC-Webhook-Topic", "order.updated")


async def test_a_webhook_is_created_pinged_listed_changed_and_deleted_with_the_client(shop: Shop,
                                                                                      receiver: Receiver) -> None:
    # when
    created = await shop.call("post", "webhooks", {"name": "Omnigate orders", "topic": "order.updated",
                                                   "delivery_url": receiver.url, "secret": SECRET_OF_HOOK})
    [ping] = await receiver.wait_for(1)
    hook_id = created.json()["id"]
    listed = await shop.call("get", "webhooks", params={"status": "active"})
    paused = await shop.call("put", f"webhooks/{hook_id}", {"status": "paused"})
    kept = await shop.call("delete", f"webhooks/{hook_id}")
    deleted = await shop.call("delete", f"webhooks/{hook_id}", params={"force": True})
    gone = await shop.call("get", f"webhooks/{hook_id}")
    # then
    assert created.status_code == 201 and created.headers["Location"].endswith(f"/webhooks/{hook_id}")
    assert created.json() | {"_links": None, "date_created": "", "date_created_gmt": "", "date_modified": "",
                             "date_modified_gmt": ""} == {
        "id": hook_id, "name": "Omnigate orders", "status": "active", "topic": "order.updated",
        "resource": "order", "event": "updated", "hooks": ["woocommerce_update_order", "woocommerce_order_refunded"],
        "delivery_url": receiver.url, "secret": SECRET_OF_HOOK, "_links": None, "date_created": "",
        "date_created_gmt": "", "date_modified": "", "date_modified_gmt": ""}
    assert ping.content_type == "application/x-www-form-urlencoded"
    assert parse_qs(ping.raw.decode()) == {"webhook_id": [str(hook_id)]}
    assert [w["id"] for w in listed.json()] == [hook_id] and listed.headers["X-WP-Total"] == "1"
    assert paused.json()["status"] == "paused"
    assert (kept.status_code, kept.json()["code"]) == (501, "woocommerce_rest_trash_not_supported")
    assert deleted.status_code == 200 and deleted.json()["id"] == hook_id
    assert (gone.status_code, gone.json()["code"]) == (404, "woocommerce_rest_webhook_invalid_id")


@pytest.mark.parametrize(("body", "code"), [
    ({"topic": "order.shipped", "delivery_url": "https://a.example/h"}, "woocommerce_rest_webhook_invalid_topic"),
    ({"delivery_url": "https://a.example/h"}, "woocommerce_rest_webhook_invalid_topic"),
    ({"topic": "order.updated", "delivery_url": "ftp://a.example/h"},
     "woocommerce_rest_webhook_invalid_delivery_url"),
    ({"topic": "order.updated", "delivery_url": "https://a.example/h", "status": "on"}, "rest_invalid_param"),
])
async def test_woocommerce_refuses_a_webhook_without_a_valid_topic_url_or_status(shop: Shop, body: dict[str, Any],
                                                                                 code: str) -> None:
    refused = await shop.call("post", "webhooks", body)
    assert (refused.status_code, refused.json()["code"]) == (400, code)


async def test_an_order_completed_through_the_api_is_pushed_whole_and_signed(shop: Shop, receiver: Receiver) -> None:
    # given
    hook = await shop.hook(receiver, "order.updated")
    order = await shop.an_order()
    # when
    changed = await shop.call("put", f"orders/{order['id']}", {"status": "completed"})
    [delivery] = await receiver.wait_for(1)
    read = await shop.call("get", f"orders/{order['id']}")
    # then: the body is the order as the REST API returns it
    assert changed.status_code == 200
    assert delivery.json() == read.json() and read.json()["status"] == "completed"
    assert delivery.headers["X-WC-Webhook-Signature"] == woo_signature(SECRET_OF_HOOK, delivery.raw)
    assert {h: delivery.headers[h] for h in ("X-WC-Webhook-Source", "X-WC-Webhook-Topic", "X-WC-Webhook-Resource",
                                             "X-WC-Webhook-Event", "X-WC-Webhook-ID")} == {
        "X-WC-Webhook-Source": shop.site + "/", "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Resource": "order", "X-WC-Webhook-Event": "updated", "X-WC-Webhook-ID": str(hook["id"])}
    assert len(delivery.headers["X-WC-Webhook-Delivery-ID"]) >= 16
    assert delivery.content_type == "application/json"


async def test_orders_made_and_changed_elsewhere_are_pushed_once_per_change(shop: Shop, receiver: Receiver,
                                                                             world: World) -> None:
    # given
    await shop.hook(receiver, "order.created")
    await shop.hook(receiver, "order.updated")
    order = await shop.an_order()
    product = (await shop.call("get", "products", params={"per_page": 1, "stock_status": "instock"})).json()[0]
    # when: an order created and paid in one call, one marked completed by the shop manager (/_sim)
    created = await shop.call("post", "orders", {"line_items": [{"product_id": product["id"], "quantity": 1}],
                                                 "set_paid": True})
    await shop.control("POST", f"/orders/{order['id']}/status", {"status": "completed"})
    deliveries = await receiver.wait_for(2)
    await shop.settled()
    # then
    topics = sorted((d.headers["X-WC-Webhook-Topic"], d.json()["id"]) for d in deliveries)
    assert topics == sorted([("order.created", created.json()["id"]), ("order.updated", order["id"])])
    assert order_updates(receiver)[0].json()["status"] == "completed"
    assert next(d for d in deliveries if d.headers["X-WC-Webhook-Topic"] == "order.created").json()["status"] == \
        "processing"


async def test_a_product_changed_in_a_batch_is_pushed(shop: Shop, receiver: Receiver) -> None:
    # given
    await shop.hook(receiver, "product.updated")
    product = (await shop.call("get", "products", params={"per_page": 1})).json()[0]
    # when
    await shop.call("post", "products/batch", {"update": [{"id": product["id"], "regular_price": "12.34"}]})
    [delivery] = await receiver.wait_for(1)
    # then
    assert delivery.json()["id"] == product["id"] and delivery.json()["regular_price"] == "12.34"


async def test_five_failed_deliveries_in_a_row_disable_the_webhook_and_nothing_more_is_sent(
        shop: Shop, receiver: Receiver) -> None:
    # given
    hook = await shop.hook(receiver, "order.updated")
    order = await shop.an_order()
    receiver.status = 500
    # when: five changes, each delivery failing
    for n, status in enumerate(("on-hold", "processing", "on-hold", "processing", "on-hold"), start=1):
        await shop.call("put", f"orders/{order['id']}", {"status": status})
        await receiver.wait_for(n)
        await shop.settled()
    read = await shop.call("get", f"webhooks/{hook['id']}")
    await shop.call("put", f"orders/{order['id']}", {"status": "completed"})
    await shop.settled()
    # then: no retry, and the sixth change is not sent at all
    assert read.json()["status"] == "disabled"
    assert len(receiver.deliveries) == 5


async def test_a_success_resets_the_failure_count_and_activation_pings_and_clears_it(shop: Shop,
                                                                                     receiver: Receiver) -> None:
    # given
    hook = await shop.hook(receiver, "order.updated")
    order = await shop.an_order()
    receiver.script.extend([500, 500, 500, 500, 200, 500])
    statuses = ("on-hold", "processing", "on-hold", "processing", "on-hold", "processing")
    # when
    for n, status in enumerate(statuses, start=1):
        await shop.call("put", f"orders/{order['id']}", {"status": status})
        await receiver.wait_for(n)
        await shop.settled()
    after_six = await shop.failure_count(hook["id"])
    paused = await shop.call("put", f"webhooks/{hook['id']}", {"status": "paused"})
    active = await shop.call("put", f"webhooks/{hook['id']}", {"status": "active"})
    [ping] = (await receiver.wait_for(len(statuses) + 1))[len(statuses):]
    # then
    assert after_six == 1
    assert (await shop.call("get", f"webhooks/{hook['id']}")).json()["status"] == "active"
    assert paused.json()["status"] == "paused" and active.json()["status"] == "active"
    assert ping.raw == f"webhook_id={hook['id']}".encode()
    assert await shop.failure_count(hook["id"]) == 0


async def test_a_receiver_back_from_a_gap_re_reads_what_changed_with_modified_after(shop: Shop) -> None:
    # given
    order = await shop.an_order()
    since = (datetime.now(UTC) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    # when
    await shop.call("put", f"orders/{order['id']}", {"status": "completed"})
    changed = await shop.call("get", "orders", params={"modified_after": since, "dates_are_gmt": "true"})
    products = await shop.call("get", "products", params={"modified_after": since, "dates_are_gmt": "true"})
    customers = await shop.call("get", "customers", params={"modified_after": since, "dates_are_gmt": "true"})
    # then: only that order (completing it took no stock: it was taken when paid)
    assert [o["id"] for o in changed.json()] == [order["id"]]
    assert products.json() == [] and customers.json() == []


async def test_webhooks_are_created_in_a_batch(shop: Shop, receiver: Receiver) -> None:
    # when
    batch = await shop.call("post", "webhooks/batch", {"create": [
        {"topic": "order.created", "delivery_url": receiver.url},
        {"topic": "nope", "delivery_url": receiver.url}]})
    pings = await receiver.wait_for(1)
    # then
    made, refused = batch.json()["create"]
    assert made["topic"] == "order.created" and len(made["secret"]) == 50
    assert refused["error"]["code"] == "woocommerce_rest_webhook_invalid_topic"
    assert [p.raw for p in pings] == [f"webhook_id={made['id']}".encode()]


async def test_an_order_deleted_in_a_batch_is_pushed_as_its_id(shop: Shop, receiver: Receiver) -> None:
    # given
    await shop.hook(receiver, "order.deleted")
    order = await shop.an_order()
    # when
    await shop.call("post", "orders/batch", {"delete": [order["id"]]})
    [delivery] = await receiver.wait_for(1)
    # then
    assert delivery.json() == {"id": order["id"]}
    assert (delivery.headers["X-WC-Webhook-Resource"], delivery.headers["X-WC-Webhook-Event"]) == ("order", "deleted")


async def test_stopping_the_shop_cancels_a_delivery_still_waiting_for_its_receiver(world: World) -> None:
    # given: a receiver that never answers
    host = SimulatorHost(world)
    url = await host.start()
    async with receiving() as receiver, aiohttp.ClientSession() as http:
        shop = Shop(url, f"{url}/webshop", API(url=f"{url}/webshop", consumer_key=KEY, consumer_secret=SECRET,
                                               version="wc/v3", timeout=TIMEOUT), http)
        await shop.hook(receiver, "order.updated")
        receiver.hold = asyncio.Event()
        order = await shop.an_order()
        await shop.control("POST", f"/orders/{order['id']}/status", {"status": "completed"})
        await receiver.wait_for(1)
        # when
        await host.stop()
    # then
    sim = host.simulators["webshop"]
    assert sim.courier.pending == 0  # type: ignore[attr-defined]
