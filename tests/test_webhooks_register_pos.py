"""The POS connector's webhook calls (Square's Webhook Subscriptions API and SearchEvents) against the POS
simulator over real HTTP: subscriptions created, listed with the disabled ones, changed, re-keyed and deleted;
a till sale read back from SearchEvents as the delivery it would have been."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from connectors.credentials import DEMO_CREDENTIALS
from connectors.errors import UpstreamRejected
from connectors.pos.adapter import PosAdapter
from simulators.host import SimulatorHost
from simulators.world import World

from .test_sim_pos_support import stocked
from .webhook_receiver import Receiver, receiver

STORE = "PAR01"
TYPES = ("inventory.count.updated", "booking.created")

__all__ = ["receiver"]  # a fixture


@pytest.fixture
async def pos(world: World, session: aiohttp.ClientSession) -> AsyncIterator[tuple[PosAdapter, str]]:
    """The adapter and the simulators' base URL."""
    host = SimulatorHost(world)
    url = await host.start()
    try:
        yield PosAdapter.connect(session, f"{url}/pos", DEMO_CREDENTIALS.pos_token), url
    finally:
        await host.stop()


async def test_a_subscription_is_created_listed_changed_rekeyed_and_deleted(pos: tuple[PosAdapter, str],
                                                                            receiver: Receiver) -> None:
    # given
    hooks = pos[0].webhooks
    # when
    created, key = await hooks.create("Omnigate", receiver.url, TYPES, "create-1")
    again, same_key = await hooks.create("Omnigate", receiver.url, TYPES, "create-1")
    disabled = await hooks.update(created.id, receiver.url, TYPES[:1], enabled=False)
    listed = await hooks.subscriptions()
    read_key = await hooks.signature_key(created.id)
    rotated = await hooks.rotate_key(created.id, "rotate-1")
    await hooks.delete(created.id)
    await hooks.delete(created.id)  # gone already: nothing to do
    # then
    assert (again, same_key) == (created, key)  # the same idempotency key answers the first creation
    assert created.name == "Omnigate" and created.url == receiver.url and created.enabled
    assert created.topics == TYPES and len(key) >= 20
    assert (disabled.enabled, disabled.topics) == (False, TYPES[:1])
    assert [s.id for s in listed] == [created.id] and not listed[0].enabled  # disabled ones are listed too
    assert read_key == key
    assert rotated != key
    assert await hooks.subscriptions() == []
    assert await hooks.signature_key(created.id) is None


async def test_a_refused_subscription_is_an_upstream_rejection(pos: tuple[PosAdapter, str]) -> None:
    with pytest.raises(UpstreamRejected, match="INVALID_VALUE"):
        await pos[0].webhooks.create("Omnigate", "http://shop.example/hooks", TYPES, "create-2")


async def test_search_events_reads_a_till_sale_back_as_its_delivery(world: World, pos: tuple[PosAdapter, str],
                                                                    session: aiohttp.ClientSession) -> None:
    # given
    adapter, url = pos
    product = stocked(world, STORE)
    before = datetime.now(UTC) - timedelta(seconds=5)
    async with session.post(f"{url}/_sim/pos/sales", json={"location_id": STORE, "sku": product.sku}) as r:
        assert r.status == 200, await r.text()
    # when
    events = await adapter.webhooks.events_since(before, ("inventory.count.updated", "order.updated"))
    later = await adapter.webhooks.events_since(datetime.now(UTC) + timedelta(minutes=1), ("order.updated",))
    # then
    assert [e.type for e in events] == ["inventory.count.updated", "order.updated"]
    assert all(e.created_at >= before for e in events)
    stock = json.loads(events[0].body)
    assert stock["event_id"] == events[0].event_id and stock["type"] == "inventory.count.updated"
    counts = stock["data"]["object"]["inventory_counts"]
    assert any(c["location_id"] == STORE and c["state"] == "IN_STOCK" for c in counts)
    assert later == []


async def test_search_events_pages_to_the_end(world: World, pos: tuple[PosAdapter, str],
                                              session: aiohttp.ClientSession) -> None:
    # given: more events than SearchEvents gives a page (100)
    adapter, url = pos
    product = stocked(world, STORE, minimum=1)
    before = datetime.now(UTC) - timedelta(seconds=5)
    for amount in range(101):
        async with session.post(f"{url}/_sim/pos/catalog/prices",
                                json={"sku": product.sku, "amount": 1000 + amount}) as r:
            assert r.status == 200, await r.text()
    # when
    events = await adapter.webhooks.events_since(before, ("catalog.version.updated",))
    # then
    assert len(events) == 101 and len({e.event_id for e in events}) == 101
    assert [e.created_at for e in events] == sorted(e.created_at for e in events)
