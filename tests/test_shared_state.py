"""The pieces replicas share through Redis, each on a real `redis-server`: the JSON codec of the cached domain
records, the Lua token bucket against the in-process one, two caches sharing a second level and its
invalidations, and a Redis that never answers costing one bounded wait."""

import asyncio
import json
import typing
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from datetime import time as clock_time
from decimal import Decimal
from typing import Any

import pytest

from connectors.domain import (
    Address,
    GeoPoint,
    Image,
    Money,
    OnlineProduct,
    OpeningPeriod,
    Product,
    Relation,
    ShownPrice,
    StockLevel,
    Store,
    System,
)
from gateway.cache import KeyedCache
from gateway.loaders.shared import SharedCaches
from gateway.ratelimit import InProcessRateLimiter, Rate
from gateway.shared.buckets import RedisRateLimiter
from gateway.shared.bus import Bus
from gateway.shared.codec import decode, encode
from gateway.shared.link import RedisLink, Unavailable
from gateway.shared.tiers import SharedKeyed
from tests.redis_server import RedisServer, redis_server

__all__ = ["redis_server"]  # a fixture

PRICE = ShownPrice(System.POS, Money(Decimal("19.90")), Money(Decimal("24.90")))
RECORDS: list[tuple[Any, Any]] = [
    (Product("LAP-1", "Laptop", "3760000000017", attributes=(("colour", "grey"),),
             images=(Image("https://img/1.jpg", "front"),)), Product | None),
    (None, Product | None),
    ((Relation("LAP-1", "BAG-2", "ACCESSORY", 1),), tuple[Relation, ...]),
    (PRICE, ShownPrice | None),
    (OnlineProduct("77", "lap-1 ", PRICE, None, description="<p>x</p>"), OnlineProduct | None),
    (StockLevel("3760000000017", "MAR01", 3, 1, datetime(2026, 5, 1, 9, 30, tzinfo=UTC)), StockLevel | None),
    ([Store("MAR01", "Marseille", Address("1 rue", "13001", "Marseille", "FR"), GeoPoint(43.3, 5.4),
            "Europe/Paris", (OpeningPeriod(0, clock_time(9), clock_time(19, 30)),), frozenset({"PICKUP", "RESERVE"}))],
     list[Store]),
    ([("LAP-1", "3760000000017"), ("OLD-2", None)], list[tuple[str, str | None]]),
]
TTL_S = 60.0


@pytest.mark.parametrize("record, hint", RECORDS)
def test_every_cached_kind_of_record_comes_back_equal_from_its_json(record: Any, hint: Any) -> None:
    assert decode(json.loads(json.dumps(encode(record))), hint) == record


def test_every_shared_cache_holds_a_kind_the_codec_reads() -> None:
    kinds = {typing.get_args(h)[1] for h in typing.get_type_hints(SharedCaches).values()}
    assert kinds <= {hint for _, hint in RECORDS} | {str | None}


@pytest.fixture
async def link(redis_server: RedisServer) -> AsyncIterator[RedisLink]:
    opened = RedisLink(redis_server.url, timeout_s=1.0)
    yield opened
    await opened.close()


async def test_the_lua_bucket_grants_and_refuses_as_the_in_process_one(link: RedisLink) -> None:
    rate = Rate(per_second=2, burst=3)
    shared, own = RedisRateLimiter(link, "open"), InProcessRateLimiter()
    answers = [(await shared.acquire("k", rate), await own.acquire("k", rate)) for _ in range(4)]

    assert [(a is None, b is None) for a, b in answers] == [(True, True)] * 3 + [(False, False)]
    shared_wait, own_wait = answers[3]
    assert shared_wait is not None and own_wait is not None and abs(shared_wait - own_wait) < 0.1
    assert 0 < await link.client.pttl(f"{link.prefix}rate:k") <= 1500 + 1  # forgotten once it would be full


class Upstream:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def fetch(self, keys: Sequence[str]) -> list[str]:
        self.asked.extend(keys)
        return [f"record {k}" for k in keys]


async def replica(redis_url: str, upstream: Upstream) -> tuple[KeyedCache[str, str], RedisLink, asyncio.Task[None]]:
    """One replica's cache over `upstream`, its second level on Redis, subscribed to invalidations."""
    link = RedisLink(redis_url, timeout_s=1.0)
    bus = Bus(link)
    cache: KeyedCache[str, str] = KeyedCache("erp", upstream.fetch, TTL_S, 0.0)
    second: SharedKeyed[str, str] = SharedKeyed(link, bus, "names", str)
    cache.share(second)
    bus.on(second.topic, lambda keys: cache.drop(keys))
    return cache, link, asyncio.create_task(bus.listen())


async def test_a_key_fetched_by_one_replica_is_read_by_the_other_and_invalidated_on_both(
        redis_server: RedisServer) -> None:
    upstream = Upstream()
    (a, a_link, a_bus), (b, b_link, b_bus) = [await replica(redis_server.url, upstream) for _ in range(2)]
    try:
        await asyncio.sleep(0.2)  # both subscribed
        assert await a.get_many(["x"]) == ["record x"]
        await until_stored(a_link, "names", "x")
        assert await b.get_many(["x", "y"]) == ["record x", "record y"]
        assert upstream.asked == ["x", "y"]  # b found x in Redis

        a.invalidate(["x"])
        await asyncio.sleep(0.2)
        assert await b.get_many(["x"]) == ["record x"]
        assert upstream.asked == ["x", "y", "x"]  # b dropped x and Redis no longer held it
    finally:
        for task in (a_bus, b_bus):
            task.cancel()
        await asyncio.gather(a_bus, b_bus, return_exceptions=True)
        await a_link.close()
        await b_link.close()


async def until_stored(link: RedisLink, cache: str, key: str) -> None:
    for _ in range(50):
        if await link.client.exists(f'{link.prefix}cache:{cache}:"{key}"'):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("never stored")


async def test_a_redis_that_never_answers_costs_one_bounded_wait_then_is_left_alone() -> None:
    connections: list[asyncio.StreamWriter] = []
    silent = await asyncio.start_server(lambda _, writer: connections.append(writer), "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    link = RedisLink(f"redis://127.0.0.1:{port}/0", timeout_s=0.2)
    upstream = Upstream()
    cache: KeyedCache[str, str] = KeyedCache("erp", upstream.fetch, TTL_S, 0.0)
    cache.share(SharedKeyed(link, Bus(link), "names", str))
    try:
        async with asyncio.timeout(5):  # without its bound, the read would wait for ever
            assert await cache.get_many(["x", "y"]) == ["record x", "record y"]  # the back office answered
        assert (link.up, link.report()["state"], len(connections)) == (False, "down", 1)
        with pytest.raises(Unavailable):
            await link.call(lambda redis: redis.get("x"))
        assert await cache.get_many(["z"]) == ["record z"]
        assert (upstream.asked, len(connections)) == (["x", "y", "z"], 1)  # Redis down: not asked again
    finally:
        for writer in connections:
            writer.close()
        await link.close()
        silent.close()
        await silent.wait_closed()


async def test_an_entry_this_version_cannot_read_is_a_miss(link: RedisLink) -> None:
    second: SharedKeyed[str, Product | None] = SharedKeyed(link, Bus(link), "products", Product | None)
    older = {"at": 0, "v": {"sku": "LAP-1"}}  # a Product without the fields this version requires
    await link.client.set(f'{link.prefix}cache:products:"LAP-1"', json.dumps(older))
    await link.client.set(f'{link.prefix}cache:products:"LAP-2"', b"\x80 not json")

    assert await second.get_many(["LAP-1", "LAP-2"]) == {}
