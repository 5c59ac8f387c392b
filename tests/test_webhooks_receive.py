"""`POST /webhooks/pos` and `/webhooks/webshop` against a running gateway: a correctly signed event is kept once,
processed in the background and outdates exactly what it changed (a till sale shows on the next
`availabilityInStore` read, with a stock TTL of ten minutes); a delivery without a valid signature, too large,
malformed or for a system never registered is refused, counted, and changes nothing."""

import asyncio
import base64
import hashlib
import hmac
import io
import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from connectors.domain import System
from connectors.ledger.store import open_ledger
from connectors.webhook_ports import InboxEvent, Registration
from gateway.appkeys import BACKENDS_KEY, LIVE_KEY, REFERENCE_KEY
from gateway.live import LiveEvent, OrderChanged, StockChanged
from gateway.schema.relay import global_id
from simulators.world import World
from simulators.world.records import DemoProduct
from tests.direct import POS, pos_variations
from tests.harness import Stack, running_stack
from tests.postgres import PostgresServer
from tests.test_gateway_reservations import STORE, few_left

T = TypeVar("T")


class StackWorld:
    """What `few_left` needs of a stack, before one runs."""

    def __init__(self, world: World) -> None:
        self.world = world

POS_URL = "https://omnigate.example/webhooks/pos"  # as registered: Square signs this, not the address it reached
SHOP_URL = "https://omnigate.example/webhooks/webshop"
POS_KEY, SHOP_SECRET = "square-signature-key", "omnigate-generated-secret"
LONG_TTL = {"OMNIGATE_STOCK_TTL_S": "600"}  # only an event can make the gateway read the POS again
IN_STORE = """
query InStore($sku: String!, $store: ID!) {
  product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } }
}"""
INVENTORY_CHANGES = "/pos/v2/inventory/changes/batch-create"
SETTLE_S = 10.0


def now_text() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def square_signature(body: bytes, url: str = POS_URL, key: str = POS_KEY) -> str:
    return base64.b64encode(hmac.new(key.encode(), url.encode() + body, hashlib.sha256).digest()).decode()


def woo_signature(body: bytes, secret: str = SHOP_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def inventory_event(variation_id: str, quantity: int, store: str = STORE, event_id: str | None = None) -> bytes:
    """`inventory.count.updated` as Square sends it (pos.md section 11)."""
    return json.dumps({
        "merchant_id": "MLDEMO", "type": "inventory.count.updated", "event_id": event_id or str(uuid.uuid4()),
        "created_at": now_text(), "data": {"type": "inventory_counts", "id": str(uuid.uuid4()), "object": {
            "inventory_counts": [{"catalog_object_id": variation_id, "catalog_object_type": "ITEM_VARIATION",
                                  "state": "IN_STOCK", "location_id": store, "quantity": str(quantity),
                                  "calculated_at": now_text()}]}}}).encode()


async def register(stack: Stack) -> None:
    """What `omnigate webhooks register` stores, saved through the port."""
    registrations, at = stack.app[BACKENDS_KEY].registrations, datetime.now(UTC)
    await registrations.save(Registration(System.POS, "wbhk_1", POS_URL, POS_KEY, at))
    await registrations.save(Registration(System.WEBSHOP, "17", SHOP_URL, SHOP_SECRET, at))


async def deliver(stack: Stack, path: str, body: bytes, headers: dict[str, str]) -> int:
    async with stack.http.post(f"{stack.gateway_url}{path}", data=io.BytesIO(body), headers=headers) as r:
        await r.read()
        return r.status


async def to_pos(stack: Stack, body: bytes, signature: str | None = None) -> int:
    headers = {"Content-Type": "application/json", "square-version": "2025-08-20", "square-environment": "Sandbox"}
    headers["x-square-hmacsha256-signature"] = square_signature(body) if signature is None else signature
    return await deliver(stack, "/webhooks/pos", body, headers)


def woo_headers(topic: str, delivery_id: str, body: bytes) -> dict[str, str]:
    resource, event = topic.split(".")
    return {"Content-Type": "application/json", "X-WC-Webhook-Source": "https://shop.example/",
            "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
            "X-WC-Webhook-ID": "17", "X-WC-Webhook-Delivery-ID": delivery_id,
            "X-WC-Webhook-Signature": woo_signature(body)}


async def variation_of(http: aiohttp.ClientSession, sim_url: str, product: DemoProduct) -> str:
    variation: str = (await pos_variations(http, sim_url, [product.gtin]))[product.gtin]["id"]
    return variation


async def sell_at_the_till(http: aiohttp.ClientSession, sim_url: str, variation: str, quantity: int) -> None:
    """A sale recorded straight in the POS (its inventory API), as the store's till does."""
    change = {"type": "ADJUSTMENT", "adjustment": {
        "from_state": "IN_STOCK", "to_state": "SOLD", "location_id": STORE, "catalog_object_id": variation,
        "quantity": str(quantity), "occurred_at": now_text()}}
    async with http.post(f"{sim_url}{INVENTORY_CHANGES}", headers=POS,
                               json={"idempotency_key": str(uuid.uuid4()), "changes": [change]}) as r:
        assert r.status == 200, await r.text()


async def in_store(stack: Stack, product: DemoProduct) -> int:
    data = await stack.data(IN_STORE, {"sku": product.sku, "store": global_id("Store", STORE)}, headers={})
    quantity: int = data["product"]["availabilityInStore"]["quantity"]
    return quantity


async def until(read: Callable[[], Awaitable[T]], expected: T) -> None:
    deadline = asyncio.get_running_loop().time() + SETTLE_S
    while (found := await read()) != expected:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.05)


async def metric(stack: Stack, name: str, **labels: str) -> float:
    """The sum of the series of metric `name` that carry `labels`."""
    async with stack.http.get(f"{stack.gateway_url}/metrics") as r:
        text = await r.text()
    total = 0.0
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        found, _, rest = series.partition("{")
        pairs = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if found == name and all(pairs.get(k) == v for k, v in labels.items()):
            total += float(value)
    return total


async def settled(stack: Stack) -> None:
    """The inbox holds nothing unprocessed."""
    inbox = stack.app[BACKENDS_KEY].inbox
    await until(lambda: _pending(inbox), 0)


async def _pending(inbox: Any) -> int:
    count: int = (await inbox.backlog())[0]
    return count


@pytest.fixture
async def webhook_stack(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, LONG_TTL) as stack:
        await stack.warm()
        yield stack


async def test_a_till_sale_shows_on_the_next_read_once_its_event_is_received(webhook_stack: Stack) -> None:
    stack = webhook_stack
    await register(stack)
    product, left = few_left(stack)
    variation = await variation_of(stack.http, stack.sim_url, product)
    assert await in_store(stack, product) == left
    await sell_at_the_till(stack.http, stack.sim_url, variation, 1)
    assert await in_store(stack, product) == left  # cached for ten minutes

    assert await to_pos(stack, inventory_event(variation, left - 1)) == 200
    await until(lambda: in_store(stack, product), left - 1)

    assert await metric(stack, "omnigate_webhook_events_received_total", system="pos",
                        type="inventory.count.updated") == 1
    await settled(stack)


async def test_the_same_event_twice_is_processed_once(webhook_stack: Stack) -> None:
    stack = webhook_stack
    await register(stack)
    product, left = few_left(stack)
    body = inventory_event(await variation_of(stack.http, stack.sim_url, product), left, event_id="evt-once")
    seen: list[LiveEvent] = []
    async with stack.app[LIVE_KEY].stream(lambda e: isinstance(e, StockChanged)) as stream:
        statuses = [await to_pos(stack, body), await to_pos(stack, body)]
        seen.append(await asyncio.wait_for(anext(stream), SETTLE_S))
        await settled(stack)
        await to_pos(stack, body)
        await settled(stack)
        with pytest.raises(TimeoutError):
            seen.append(await asyncio.wait_for(anext(stream), 0.3))

    assert statuses == [200, 200]
    assert seen == [StockChanged(product.gtin, STORE, seen[0].occurred_at, left)]
    assert await metric(stack, "omnigate_webhook_events_deduplicated_total") == 2
    assert await metric(stack, "omnigate_webhook_events_processed_total", system="pos",
                        type="inventory.count.updated", outcome="done") == 1


def dated(body: bytes, days_ago: int) -> bytes:
    event = json.loads(body)
    event["created_at"] = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")
    return json.dumps(event).encode()


Sign = Callable[[bytes], str]
Alter = Callable[[bytes], bytes] | None
# case: (status, reason, signature of what, how the body sent differs, whether it is signed as sent)
REFUSALS: dict[str, tuple[int, str, Sign, Alter, bool]] = {
    "wrong key": (401, "bad_signature", lambda body: square_signature(body, key="another-key"), None, True),
    "wrong url": (401, "bad_signature", lambda body: square_signature(body, url="https://omnigate.example/x"), None,
                  True),
    "altered body": (401, "bad_signature", square_signature, lambda body: body.replace(b'"quantity": "1"',
                                                                                         b'"quantity": "9"'), False),
    "missing header": (401, "unsigned", lambda body: "", None, True),
    "stale": (401, "stale", square_signature, lambda body: dated(body, days_ago=4), True),
    "oversized body": (413, "too_large", square_signature, lambda body: body + b" " * (1 << 20), False),
    "malformed": (400, "malformed", square_signature, lambda body: b'{"event_id": 3}', True),
}
CODES = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 413: "PAYLOAD_TOO_LARGE"}


@pytest.mark.parametrize("case", list(REFUSALS))
async def test_a_delivery_not_signed_as_registered_is_refused_counted_and_changes_nothing(
        webhook_stack: Stack, case: str) -> None:
    stack = webhook_stack
    status, reason, sign, alter, signed_as_sent = REFUSALS[case]
    await register(stack)
    product, left = few_left(stack)
    assert await in_store(stack, product) == left
    body = inventory_event(await variation_of(stack.http, stack.sim_url, product), 1)
    sent = alter(body) if alter else body

    headers = {"Content-Type": "application/json",
               "x-square-hmacsha256-signature": sign(sent if signed_as_sent else body)}
    async with stack.http.post(f"{stack.gateway_url}/webhooks/pos", data=io.BytesIO(sent), headers=headers) as r:
        answer, error = r.status, (await r.json())["errors"][0]["extensions"]

    inbox, stock = stack.app[BACKENDS_KEY].inbox, stack.app[REFERENCE_KEY].caches.stock
    assert answer == status
    assert error == {"code": CODES[status], "reason": reason}
    assert await inbox.unprocessed() == [] and await inbox.last_event(System.POS) is None
    assert (product.gtin, STORE) in stock.held_keys()
    assert await metric(stack, "omnigate_webhook_deliveries_rejected_total", system="pos", reason=reason) == 1


async def test_without_a_registration_there_is_no_receiver(webhook_stack: Stack) -> None:
    stack = webhook_stack
    body = inventory_event("V1", 1)

    assert await to_pos(stack, body) == 404
    assert await metric(stack, "omnigate_webhook_deliveries_rejected_total", system="pos",
                        reason="unregistered") == 1
    assert await stack.app[BACKENDS_KEY].inbox.unprocessed() == []


async def test_woocommerce_ping_then_an_order_update_reaches_the_hub_with_the_buyers_crm_id(
        webhook_stack: Stack) -> None:
    stack = webhook_stack
    ping = await deliver(stack, "/webhooks/webshop", b"webhook_id=17",
                         {"Content-Type": "application/x-www-form-urlencoded"})
    await register(stack)
    buyer = next(c for c in stack.world.customers if c.webshop_id is not None)
    modified = datetime.now(UTC).replace(microsecond=0)
    order = {"id": 9001, "status": "completed", "customer_id": buyer.webshop_id,
             "date_modified_gmt": modified.strftime("%Y-%m-%dT%H:%M:%S")}
    body = json.dumps(order).encode()
    async with stack.app[LIVE_KEY].stream(lambda e: isinstance(e, OrderChanged)) as stream:
        unsigned = await deliver(stack, "/webhooks/webshop", body,
                                 {**woo_headers("order.updated", "d-1", body), "X-WC-Webhook-Signature": "x"})
        accepted = await deliver(stack, "/webhooks/webshop", body, woo_headers("order.updated", "d-2", body))
        event = await asyncio.wait_for(anext(stream), SETTLE_S)

    assert (ping, unsigned, accepted) == (200, 401, 200)
    assert isinstance(event, OrderChanged)
    assert (event.order_id, event.customer_id) == ("9001", buyer.crm_id)
    assert await stack.app[BACKENDS_KEY].inbox.last_event(System.WEBSHOP) == ("d-2", modified)


async def test_an_event_a_crash_left_unprocessed_is_processed_on_start(live_world: World, tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite3"
    product, left = few_left(StackWorld(live_world))
    async with running_stack(live_world, {**LONG_TTL, "OMNIGATE_LEDGER_PATH": str(ledger_path)}) as stack:
        variation = await variation_of(stack.http, stack.sim_url, product)
    async with open_ledger(ledger_path) as ledger:  # kept, then the gateway stopped before processing it
        at = datetime.now(UTC)
        await ledger.inbox.record(InboxEvent(System.POS, "evt-left", "inventory.count.updated", at, at,
                                             inventory_event(variation, left - 2, event_id="evt-left")))
    async with running_stack(live_world, {**LONG_TTL, "OMNIGATE_LEDGER_PATH": str(ledger_path)}) as stack:
        await settled(stack)
        done = await metric(stack, "omnigate_webhook_events_processed_total", system="pos", outcome="done")

    assert done == 1


async def test_with_the_ledger_in_postgresql_an_event_is_kept_once_and_processed(
        live_world: World, postgres: PostgresServer) -> None:
    settings = {**LONG_TTL, "OMNIGATE_DATABASE_URL": postgres.new_database()}
    async with running_stack(live_world, settings) as stack:
        await stack.warm()
        await register(stack)
        product, left = few_left(stack)
        variation = await variation_of(stack.http, stack.sim_url, product)
        assert await in_store(stack, product) == left
        await sell_at_the_till(stack.http, stack.sim_url, variation, 1)
        body = inventory_event(variation, left - 1)

        statuses = [await to_pos(stack, body), await to_pos(stack, body)]
        await until(lambda: in_store(stack, product), left - 1)
        await settled(stack)

        assert statuses == [200, 200]
        assert await metric(stack, "omnigate_webhook_events_processed_total", system="pos", outcome="done") == 1
        assert await metric(stack, "omnigate_webhook_events_deduplicated_total", system="pos") == 1


async def test_a_key_replaced_by_a_rotation_still_verifies_for_its_grace(webhook_stack: Stack) -> None:
    stack = webhook_stack
    registrations, at = stack.app[BACKENDS_KEY].registrations, datetime.now(UTC)
    await register(stack)
    await registrations.save(Registration(System.POS, "wbhk_1", POS_URL, "rotated-key", at))
    first, second = inventory_event("V1", 1), inventory_event("V1", 2)

    old_key = await to_pos(stack, first, square_signature(first, key=POS_KEY))
    await registrations.save(Registration(System.POS, "wbhk_1", POS_URL, "third-key", at), keep_previous=timedelta(0))
    replaced_at_once = await to_pos(stack, second, square_signature(second, key="rotated-key"))

    assert (old_key, replaced_at_once) == (200, 401)
