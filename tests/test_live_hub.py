"""The live hub: handlers before streams, filters, a slow reader let go, shutdown ending streams, and an event
published by one replica reaching the other's handlers and streams through a real Redis."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from gateway.live import AppointmentChanged, ChangeKind, LiveEvent, LiveHub, SlowConsumer, StockChanged
from gateway.live.events import decode, encode
from gateway.shared.bus import Bus
from gateway.shared.link import RedisLink
from tests.redis_server import RedisServer, redis_server

__all__ = ["redis_server"]  # a fixture

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def sale(item: str = "3601234567890", store: str = "L7") -> StockChanged:
    return StockChanged(item, store, NOW, quantity=4)


def test_every_event_kind_comes_back_equal_from_its_json() -> None:
    for event in (sale(), AppointmentChanged(ChangeKind.CREATED, "BK1", "L7", NOW)):
        assert decode(encode(event)) == event


async def test_handlers_run_before_a_matching_stream_gets_the_event() -> None:
    hub, seen = LiveHub(), []
    hub.on_change(lambda event: seen.append(("handler", event)))
    async with hub.stream(lambda e: isinstance(e, StockChanged) and e.store_code == "L7") as stream:
        hub.publish(sale(store="L9"))
        hub.publish(sale())
        event = await asyncio.wait_for(anext(stream), 1)
    assert event == sale()
    assert [kind for kind, _ in seen] == ["handler", "handler"]
    assert hub.open_streams == 0


async def test_a_failing_handler_keeps_the_event_from_no_one() -> None:
    def broken(_: LiveEvent) -> None:
        raise RuntimeError("a defect in one listener")

    hub = LiveHub()
    hub.on_change(broken)
    async with hub.stream(lambda _: True) as stream:
        hub.publish(sale())
        assert await asyncio.wait_for(anext(stream), 1) == sale()


async def test_a_reader_that_falls_behind_is_let_go_not_buffered() -> None:
    hub = LiveHub(capacity=3)
    async with hub.stream(lambda _: True) as stream:
        for n in range(4):
            hub.publish(sale(item=str(n)))
        with pytest.raises(SlowConsumer):
            await anext(stream)


async def test_shutdown_ends_streams_after_what_they_hold() -> None:
    hub = LiveHub()
    async with hub.stream(lambda _: True) as stream:
        hub.publish(sale())
        hub.close()
        assert [event async for event in stream] == [sale()]


@pytest.fixture
async def replicas(redis_server: RedisServer) -> AsyncIterator[tuple[LiveHub, LiveHub]]:
    links = [RedisLink(redis_server.url, 1.0) for _ in range(2)]
    buses = [Bus(link) for link in links]
    hubs = tuple(LiveHub(bus) for bus in buses)
    listening = [asyncio.create_task(bus.listen()) for bus in buses]
    await asyncio.sleep(0.3)  # both subscribed
    yield hubs[0], hubs[1]
    for task in listening:
        task.cancel()
    await asyncio.gather(*listening, return_exceptions=True)
    for link in links:
        await link.close()


async def test_an_event_told_on_one_replica_reaches_the_others_handlers_and_streams(
        replicas: tuple[LiveHub, LiveHub]) -> None:
    here, there = replicas
    handled: list[LiveEvent] = []
    there.on_change(handled.append)
    async with there.stream(lambda _: True) as stream:
        here.publish(AppointmentChanged(ChangeKind.CREATED, "BK1", "L7", NOW))
        event = await asyncio.wait_for(anext(stream), 5)
    assert event == AppointmentChanged(ChangeKind.CREATED, "BK1", "L7", NOW)
    assert handled == [event]
