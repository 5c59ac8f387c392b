"""The POS simulator pushes like Square: webhook subscriptions made with Square's own SDK (`squareup`), events for
every change made through the API or `/_sim/pos`, signed as Square signs them (checked with the SDK's
`verify_signature` and an HMAC computed here), retried with compressed backoff, then dropped; SearchEvents
finds them all. A real aiohttp receiver on 127.0.0.1 records each delivery.
"""

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from square.core.api_error import ApiError
from square.utils.webhooks_helper import verify_signature

from simulators.host import SimulatorHost
from simulators.pos.booking_book import team_members
from simulators.pos.simulator import PosSimulator
from simulators.world import DemoProduct, World

from .square_sdk import Sdk, assert_conform, square_client
from .test_sim_pos_support import TOKEN, stocked
from .webhook_receiver import Receiver, receiver, receiving

STORE = "PAR01"
SIGNATURE = "x-square-hmacsha256-signature"
FAST = {"retry_delays_s": [0.05], "give_up_after_s": 0.5, "timeout_s": 1.0}

__all__ = ["receiver"]  # a fixture


@dataclass
class Pos:
    host: SimulatorHost
    sim: PosSimulator
    url: str  # the host's base URL
    http: aiohttp.ClientSession
    square: Sdk

    async def control(self, method: str, path: str, body: object = None) -> Any:
        async with self.http.request(method, f"{self.url}/_sim/pos{path}", json=body) as r:
            assert r.status == 200, await r.text()
            return await r.json()

    async def settled(self) -> list[dict[str, Any]]:
        """The delivery log once nothing is being delivered or waiting to retry."""
        for _ in range(200):
            log = await self.control("GET", "/webhooks/deliveries")
            if log["pending"] == 0:
                return list(log["deliveries"])
            await asyncio.sleep(0.05)
        raise AssertionError("deliveries still pending")

    async def subscribe(self, receiver: Receiver, *types: str) -> tuple[str, str]:
        """A subscription for `types`; returns its id and signature key."""
        created = await self.square.client.webhooks.subscriptions.create(
            idempotency_key=f"sub-{'-'.join(types)}",
            subscription={"name": "omnigate", "event_types": list(types), "notification_url": receiver.url})
        assert created.subscription is not None and created.subscription.signature_key
        return created.subscription.id or "", created.subscription.signature_key


@pytest.fixture
async def pos(world: World) -> AsyncIterator[Pos]:
    host = SimulatorHost(world)
    url = await host.start()
    sim = host.simulators["pos"]
    assert isinstance(sim, PosSimulator)
    try:
        async with aiohttp.ClientSession() as http, square_client(f"{url}/pos", TOKEN) as square:
            yield Pos(host, sim, url, http, square)
            assert_conform(square.recorder)
    finally:
        await host.stop()


async def variation_of(pos: Pos, product: DemoProduct) -> str:
    found = await pos.square.client.catalog.search(object_types=["ITEM_VARIATION"], query={
        "exact_query": {"attribute_name": "upc", "attribute_value": product.gtin}})
    return (found.objects or [])[0].id or ""


def sale(variation: str, key: str) -> dict[str, Any]:
    return {"idempotency_key": key, "changes": [{"type": "ADJUSTMENT", "adjustment": {
        "from_state": "IN_STOCK", "to_state": "SOLD", "location_id": STORE, "catalog_object_id": variation,
        "quantity": "1", "occurred_at": datetime.now(UTC).isoformat()}}]}


def square_signature(key: str, url: str, raw: bytes) -> str:
    """Square's rule, written out here rather than imported from the simulator."""
    return base64.b64encode(hmac.new(key.encode(), url.encode() + raw, hashlib.sha256).digest()).decode()


# ---------------------------------------------------------------- subscriptions

async def test_subscriptions_are_created_listed_changed_rotated_and_deleted_with_the_sdk(pos: Pos,
                                                                                         receiver: Receiver) -> None:
    # given
    subs = pos.square.client.webhooks.subscriptions
    body = {"name": "stock", "event_types": ["inventory.count.updated"], "notification_url": receiver.url}
    # when
    first = await subs.create(idempotency_key="k-1", subscription=body)
    again = await subs.create(idempotency_key="k-1", subscription=body)
    other = await subs.create(subscription={**body, "name": "off", "enabled": False})
    enabled_only = [s.id async for s in await subs.list()]
    everything = [s async for s in await subs.list(include_disabled=True)]
    assert first.subscription is not None and other.subscription is not None
    sub_id = first.subscription.id or ""
    changed = await subs.update(sub_id, subscription={"event_types": ["booking.created", "booking.updated"]})
    rotated = await subs.update_signature_key(sub_id, idempotency_key="rot-1")
    read = await subs.get(sub_id)
    await subs.delete(sub_id)
    with pytest.raises(ApiError) as gone:
        await subs.get(sub_id)
    # then
    assert again.subscription == first.subscription  # the same key answers the first creation again
    assert first.subscription.enabled and first.subscription.api_version == "2025-08-20"
    assert len(first.subscription.signature_key or "") >= 20
    assert enabled_only == [sub_id]
    assert [s.id for s in everything] == [sub_id, other.subscription.id]
    assert all(s.signature_key is None for s in everything)  # lists leave the key out
    assert changed.subscription is not None and changed.subscription.event_types == [
        "booking.created", "booking.updated"]
    assert rotated.signature_key and rotated.signature_key != first.subscription.signature_key
    assert read.subscription is not None and read.subscription.signature_key == rotated.signature_key
    assert gone.value.status_code == 404


@pytest.mark.parametrize(("subscription", "code", "field"), [
    ({"event_types": ["inventory.count.updated"]}, "MISSING_REQUIRED_PARAMETER", "subscription.notification_url"),
    ({"event_types": ["inventory.count.updated"], "notification_url": "http://shop.example/hooks"},
     "INVALID_VALUE", "subscription.notification_url"),
    ({"event_types": ["inventory.count.updated"], "notification_url": "hooks"}, "INVALID_VALUE",
     "subscription.notification_url"),
    ({"event_types": ["stock.moved"], "notification_url": "https://shop.example/hooks"}, "INVALID_VALUE",
     "subscription.event_types"),
    ({"notification_url": "https://shop.example/hooks"}, "MISSING_REQUIRED_PARAMETER", "subscription.event_types"),
])
async def test_square_refuses_a_subscription_without_url_over_plain_http_or_with_unknown_types(
        pos: Pos, subscription: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(ApiError) as refused:
        await pos.square.client.webhooks.subscriptions.create(subscription=subscription)
    assert refused.value.status_code == 400
    assert refused.value.body["errors"][0] | {"detail": ""} == {
        "category": "INVALID_REQUEST_ERROR", "code": code, "field": field, "detail": ""}


# ---------------------------------------------------------------- deliveries

async def test_a_stock_change_is_pushed_after_the_answer_signed_as_square_signs(pos: Pos, receiver: Receiver,
                                                                                world: World) -> None:
    # given: the receiver does not answer until the test lets it
    sub_id, key = await pos.subscribe(receiver, "inventory.count.updated")
    product = stocked(world, STORE)
    variation = await variation_of(pos, product)
    before = world.store_stock(world.store_by_code[STORE], product).sellable  # type: ignore[union-attr]
    receiver.hold = asyncio.Event()
    # when: the change answers although its delivery is still waiting for the receiver
    answer = await asyncio.wait_for(pos.square.client.inventory.batch_create_changes(**sale(variation, "s-1")), 10)
    [delivery] = await receiver.wait_for(1)
    receiver.hold.set()
    # then
    assert answer.counts and answer.counts[0].quantity == str(before - 1)
    header = delivery.headers[SIGNATURE]
    assert header == square_signature(key, receiver.url, delivery.raw)
    assert verify_signature(request_body=delivery.raw.decode(), signature_header=header, signature_key=key,
                            notification_url=receiver.url)
    assert not verify_signature(request_body=delivery.raw.decode(), signature_header=header, signature_key=key,
                                notification_url=receiver.url + "/")
    assert delivery.content_type == "application/json"
    assert (delivery.headers["square-version"], delivery.headers["square-environment"]) == (
        "2025-08-20", "Production")
    event = delivery.json()
    assert set(event) == {"merchant_id", "type", "event_id", "created_at", "data"}
    assert event["type"] == "inventory.count.updated" and event["data"]["type"] == "inventory_counts"
    assert event["data"]["object"]["inventory_counts"] == [{
        "catalog_object_id": variation, "catalog_object_type": "ITEM_VARIATION", "state": "IN_STOCK",
        "location_id": STORE, "quantity": str(before - 1),
        "calculated_at": answer.counts[0].calculated_at}]
    assert [(d["target"], d["status"], d["attempt"]) for d in await pos.settled()] == [(sub_id, 200, 1)]


async def test_a_failed_delivery_is_retried_with_the_same_event_until_it_is_taken(pos: Pos, receiver: Receiver,
                                                                                  world: World) -> None:
    # given
    await pos.control("POST", "/webhooks/settings", {**FAST, "give_up_after_s": 10})
    await pos.subscribe(receiver, "inventory.count.updated")
    variation = await variation_of(pos, stocked(world, STORE))
    receiver.script.extend([500, 503])
    # when
    await pos.square.client.inventory.batch_create_changes(**sale(variation, "s-2"))
    deliveries = await receiver.wait_for(3)
    log = await pos.settled()
    # then
    assert [d["status"] for d in log] == [500, 503, 200]
    assert len({d.json()["event_id"] for d in deliveries}) == 1
    assert [d.headers.get("square-retry-number") for d in deliveries] == [None, "1", "2"]
    assert len({d.headers[SIGNATURE] for d in deliveries}) == 1


async def test_square_gives_up_on_a_receiver_that_keeps_failing_and_search_events_still_has_the_event(
        pos: Pos, receiver: Receiver, world: World) -> None:
    # given
    await pos.control("POST", "/webhooks/settings", FAST)
    await pos.subscribe(receiver, "inventory.count.updated")
    variation = await variation_of(pos, stocked(world, STORE))
    receiver.status = 500
    # when
    await pos.square.client.inventory.batch_create_changes(**sale(variation, "s-3"))
    log = await pos.settled()
    found = await pos.square.client.events.search_events(query={"filter": {
        "event_types": ["inventory.count.updated"]}})
    # then: a few attempts within the give-up age, none since
    assert 2 <= len(log) <= 12 and {d["status"] for d in log} == {500}
    assert len(receiver.deliveries) == len(log)
    assert [e.event_id for e in found.events or []] == [receiver.deliveries[0].json()["event_id"]]


async def test_a_receiver_that_does_not_answer_in_time_is_retried(pos: Pos, receiver: Receiver,
                                                                   world: World) -> None:
    # given
    await pos.control("POST", "/webhooks/settings", {**FAST, "timeout_s": 0.2, "give_up_after_s": 10})
    await pos.subscribe(receiver, "inventory.count.updated")
    variation = await variation_of(pos, stocked(world, STORE))
    receiver.hold = asyncio.Event()  # never set until the test ends: no answer
    # when
    await pos.square.client.inventory.batch_create_changes(**sale(variation, "s-4"))
    await receiver.wait_for(2)
    # then
    log = (await pos.control("GET", "/webhooks/deliveries"))["deliveries"]
    assert log[0]["status"] is None and log[0]["error"] == "timeout"


async def test_bookings_made_changed_and_answered_are_pushed(pos: Pos, receiver: Receiver, world: World) -> None:
    # given
    await pos.subscribe(receiver, "booking.created", "booking.updated")
    store = next(s for s in world.stores if s.active and "APPOINTMENTS" in s.services)
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    # when
    made = await pos.square.client.bookings.create(idempotency_key="b-1", booking={
        "location_id": store.code, "start_at": start.isoformat(), "appointment_segments": [{
            "team_member_id": team_members(store)[0], "service_variation_id": pos.sim.catalog.service_variations[0],
            "service_variation_version": pos.sim.catalog.version}]})
    assert made.booking is not None and made.booking.id
    accepted = await pos.control("POST", f"/bookings/{made.booking.id}/status", {"status": "ACCEPTED"})
    await pos.square.client.bookings.cancel(made.booking.id, idempotency_key="c-1", booking_version=1)
    deliveries = await receiver.wait_for(3)
    # then
    events = sorted((d.json() for d in deliveries), key=lambda e: e["data"]["object"]["booking"]["version"])
    assert [(e["type"], e["data"]["object"]["booking"]["status"]) for e in events] == [
        ("booking.created", "PENDING"), ("booking.updated", "ACCEPTED"), ("booking.updated", "CANCELLED_BY_CUSTOMER")]
    assert {e["data"]["id"] for e in events} == {made.booking.id} and {e["data"]["type"] for e in events} == {
        "booking"}
    assert accepted["booking"]["status"] == "ACCEPTED"


async def test_a_till_sale_pushes_the_stock_and_the_order_and_the_order_is_searchable(
        pos: Pos, receiver: Receiver, world: World) -> None:
    # given
    await pos.subscribe(receiver, "inventory.count.updated", "order.updated")
    product = stocked(world, STORE)
    before = world.store_stock(world.store_by_code[STORE], product).sellable  # type: ignore[union-attr]
    # when
    sold = await pos.control("POST", "/sales", {"location_id": STORE, "sku": product.sku, "quantity": 2})
    deliveries = await receiver.wait_for(2)
    orders = await pos.square.client.orders.batch_get(order_ids=[sold["order"]["id"]])
    # then
    by_type = {d.json()["type"]: d.json()["data"] for d in deliveries}
    assert by_type["inventory.count.updated"]["object"]["inventory_counts"][0]["quantity"] == str(before - 2)
    assert by_type["order.updated"]["object"]["order_updated"] | {"version": 0, "created_at": "",
                                                                  "updated_at": ""} == {
        "order_id": sold["order"]["id"], "state": "COMPLETED", "location_id": STORE, "version": 0,
        "created_at": "", "updated_at": ""}
    assert [o.id for o in orders.orders or []] == [sold["order"]["id"]]


async def test_a_price_changed_in_the_dashboard_pushes_a_catalog_version(pos: Pos, receiver: Receiver,
                                                                         world: World) -> None:
    # given
    await pos.subscribe(receiver, "catalog.version.updated")
    product = stocked(world, STORE)
    variation = await variation_of(pos, product)
    # when
    await pos.control("POST", "/catalog/prices", {"catalog_object_id": variation, "amount": 1234})
    [delivery] = await receiver.wait_for(1)
    read = await pos.square.client.catalog.batch_get(object_ids=[variation])
    # then
    assert delivery.json()["data"]["object"]["catalog_version"]["updated_at"]
    [obj] = read.objects or []
    assert obj.item_variation_data.price_money.amount == 1234


async def test_the_test_call_sends_one_signed_sample_and_reports_the_answer(pos: Pos, receiver: Receiver) -> None:
    # given
    sub_id, key = await pos.subscribe(receiver, "booking.created")
    receiver.status = 202
    # when
    result = await pos.square.client.webhooks.subscriptions.test(sub_id, event_type="booking.created")
    # then
    [delivery] = receiver.deliveries
    assert result.subscription_test_result is not None
    assert result.subscription_test_result.status_code == 202
    assert delivery.headers[SIGNATURE] == square_signature(key, receiver.url, delivery.raw)
    assert delivery.json()["type"] == "booking.created"


async def test_search_events_filters_sorts_and_pages(pos: Pos, world: World) -> None:
    # given: three sales at two stores, with no subscription at all
    product = stocked(world, STORE)
    other = next(s.code for s in world.stores if s.code != STORE and s.active
                 and world.store_stock(s, product) is not None and world.store_stock(s, product).sellable > 0)  # type: ignore[union-attr]
    started = datetime.now(UTC) - timedelta(seconds=1)
    for location in (STORE, other, STORE):
        await pos.control("POST", "/sales", {"location_id": location, "sku": product.sku})
    events = pos.square.client.events
    # when
    newest_first = await events.search_events(query={"filter": {"event_types": ["inventory.count.updated"]}})
    at_store = await events.search_events(query={"filter": {"location_ids": [STORE], "created_at": {
        "start_at": started.isoformat()}, "event_types": ["inventory.count.updated"]}, "sort": {
        "field": "DEFAULT", "order": "ASC"}})
    page_one = await events.search_events(limit=2, query={"filter": {"event_types": ["order.updated"]}})
    page_two = await events.search_events(limit=2, cursor=page_one.cursor,
                                          query={"filter": {"event_types": ["order.updated"]}})
    none_later = await events.search_events(query={"filter": {"created_at": {
        "start_at": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()}}})
    # then
    created = [e.created_at or "" for e in newest_first.events or []]
    assert len(created) == 3 and created == sorted(created, reverse=True)
    assert [e.location_id for e in at_store.events or []] == [STORE, STORE]
    assert len(page_one.events or []) == 2 and page_one.cursor and len(page_two.events or []) == 1
    assert page_two.cursor is None
    assert none_later.events is None
    assert [m.event_id for m in page_one.metadata or []] == [e.event_id for e in page_one.events or []]


async def test_stopping_the_simulators_cancels_deliveries_waiting_to_retry(world: World) -> None:
    # given
    host = SimulatorHost(world)
    url = await host.start()
    async with receiving() as receiver, aiohttp.ClientSession() as http, square_client(f"{url}/pos",
                                                                                       TOKEN) as square:
        receiver.status = 500
        pos = Pos(host, host.simulators["pos"], url, http, square)  # type: ignore[arg-type]
        await pos.control("POST", "/webhooks/settings", {"retry_delays_s": [30], "give_up_after_s": 600})
        await pos.subscribe(receiver, "inventory.count.updated")
        await pos.control("POST", "/sales", {"location_id": STORE, "sku": stocked(world, STORE).sku})
        await receiver.wait_for(1)
        # when
        await host.stop()
    # then
    assert pos.sim.courier.pending == 0


async def test_restocks_and_returns_are_pushed_and_a_disabled_subscription_gets_nothing(
        pos: Pos, receiver: Receiver, world: World) -> None:
    # given: one subscription enabled, one disabled, both to the same receiver
    await pos.subscribe(receiver, "inventory.count.updated")
    off = await pos.square.client.webhooks.subscriptions.create(subscription={
        "event_types": ["inventory.count.updated"], "notification_url": receiver.url, "enabled": False})
    product = stocked(world, STORE)
    variation = await variation_of(pos, product)
    before = world.store_stock(world.store_by_code[STORE], product).sellable  # type: ignore[union-attr]
    moves = [("NONE", "IN_STOCK", "3"), ("SOLD", "IN_STOCK", "1")]
    # when
    for n, (source, target, units) in enumerate(moves):
        await pos.square.client.inventory.batch_create_changes(idempotency_key=f"m-{n}", changes=[{
            "type": "ADJUSTMENT", "adjustment": {
                "from_state": source, "to_state": target, "location_id": STORE, "catalog_object_id": variation,
                "quantity": units, "occurred_at": datetime.now(UTC).isoformat()}}])
    deliveries = await receiver.wait_for(2)
    log = await pos.settled()
    # then
    figures = sorted(int(d.json()["data"]["object"]["inventory_counts"][0]["quantity"]) for d in deliveries)
    assert figures == [before + 3, before + 4]
    assert off.subscription is not None and off.subscription.id not in {d["target"] for d in log}


async def test_at_most_max_concurrent_deliveries_are_in_flight(pos: Pos, receiver: Receiver, world: World) -> None:
    # given: a receiver that holds every answer, and room for two deliveries at once
    await pos.control("POST", "/webhooks/settings", {"max_concurrent": 2})
    await pos.subscribe(receiver, "inventory.count.updated")
    product = stocked(world, STORE, minimum=4)
    receiver.hold = asyncio.Event()
    # when: four sales answer at once, each with an event to deliver
    for _ in range(4):
        await pos.control("POST", "/sales", {"location_id": STORE, "sku": product.sku})
    await receiver.wait_for(2)
    await asyncio.sleep(0.2)
    held = len(receiver.deliveries)
    receiver.hold.set()
    await receiver.wait_for(4)
    # then
    assert held == 2
    assert [d["status"] for d in await pos.settled()] == [200] * 4
