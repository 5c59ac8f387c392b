"""The `/_sim/` control API of the shared simulator host: counts, faults, trace context."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from simulators.host import SimulatorHost
from simulators.world import World

POS_AUTH = {"Authorization": "Bearer demo-pos-token"}
POS_LOCATIONS = "/pos/v2/locations"
CRM_QUERY = "/crm/services/data/v60.0/query"
WEBSHOP_AUTH = {"Authorization": aiohttp.encode_basic_auth("ck_demo", "cs_demo")}
ORDERS = "/webshop/wp-json/wc/v3/orders"
POST_ORDERS = f"POST {ORDERS}"
NO_FAULTS = {"latency_ms": 0, "error_rate": 0.0, "down": False, "hang": False, "lost_reply": False}
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
async def sim(world: World) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    host = SimulatorHost(world)
    base = await host.start()
    async with aiohttp.ClientSession(base) as session:
        yield base, session
    await host.stop()


async def test_stats_count_every_request_by_system_and_route(sim: tuple[str, aiohttp.ClientSession]) -> None:
    _, http = sim
    await http.post("/_sim/stats/reset")
    for _ in range(3):
        async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
            assert r.status == 200
    async with http.get(POS_LOCATIONS) as r:  # refused, still received
        assert r.status == 401
    async with http.get(CRM_QUERY, params={"q": "SELECT Id FROM Contact LIMIT 1"},
                        headers={"Authorization": "Bearer demo-crm-token"}) as r:
        assert r.status == 200
    async with http.get("/_sim/stats") as r:
        stats = await r.json()
    assert stats["total"] == 5
    assert stats["systems"]["pos"] == {"total": 4, "routes": {"GET /pos/v2/locations": 4}}
    assert stats["systems"]["crm"]["total"] == 1
    assert stats["systems"]["erp"]["total"] == stats["systems"]["webshop"]["total"] == 0
    async with http.post("/_sim/stats/reset") as r:
        assert (await r.json())["total"] == 0


async def test_calls_show_each_request_with_when_it_came_in_and_was_answered(
        sim: tuple[str, aiohttp.ClientSession]) -> None:
    _, http = sim
    await http.post("/_sim/faults", json={"system": "pos", "latency_ms": 50})
    await http.post("/_sim/stats/reset")
    for _ in range(2):
        async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
            assert r.status == 200
    async with http.get("/_sim/calls") as r:
        calls = (await r.json())["calls"]
    assert [(c["system"], c["route"]) for c in calls] == [("pos", "GET /pos/v2/locations")] * 2
    assert all(c["end"] - c["start"] >= 0.05 for c in calls)  # the injected latency is inside the call
    assert calls[0]["end"] <= calls[1]["start"]  # one after the other
    await http.post("/_sim/stats/reset")
    async with http.get("/_sim/calls") as r:
        assert (await r.json()) == {"calls": []}
    await http.delete("/_sim/faults")


async def test_latency_is_added_to_one_system(sim: tuple[str, aiohttp.ClientSession]) -> None:
    _, http = sim
    await http.post("/_sim/faults", json={"system": "pos", "latency_ms": 250})
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
        assert r.status == 200
    assert loop.time() - started >= 0.24
    async with http.get("/_sim/faults") as r:
        faults = await r.json()
    assert faults["pos"]["latency_ms"] == 250
    assert faults["crm"]["latency_ms"] == 0


async def test_error_rate_is_honoured_over_many_calls(sim: tuple[str, aiohttp.ClientSession]) -> None:
    _, http = sim
    await http.post("/_sim/faults", json={"system": "pos", "error_rate": 0.5})
    statuses = []
    for _ in range(200):
        async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
            statuses.append(r.status)
            if r.status == 500:
                assert (await r.json())["errors"][0]["category"] == "API_ERROR"
    assert set(statuses) == {200, 500}
    assert 70 <= statuses.count(500) <= 130


async def test_down_answers_503_in_the_systems_own_shape_until_cleared(sim: tuple[str, aiohttp.ClientSession]) -> None:
    _, http = sim
    await http.post("/_sim/faults", json={"system": "pos", "down": True})
    async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
        assert r.status == 503
        assert "errors" in await r.json()
    async with http.get(CRM_QUERY, params={"q": "SELECT Id FROM Contact LIMIT 1"},
                        headers={"Authorization": "Bearer demo-crm-token"}) as r:
        assert r.status == 200
    await http.delete("/_sim/faults")
    async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
        assert r.status == 200


async def test_hang_never_answers_until_faults_are_cleared(sim: tuple[str, aiohttp.ClientSession]) -> None:
    base, http = sim
    await http.post("/_sim/faults", json={"system": "pos", "hang": True})
    with pytest.raises(asyncio.TimeoutError):
        async with http.get(POS_LOCATIONS, headers=POS_AUTH, timeout=aiohttp.ClientTimeout(total=0.3)):
            pass
    pending = asyncio.create_task(http.get(POS_LOCATIONS, headers=POS_AUTH))
    await asyncio.sleep(0.1)
    assert not pending.done()
    async with aiohttp.ClientSession(base) as other:
        await other.delete("/_sim/faults")
    response = await asyncio.wait_for(pending, 5)
    assert response.status == 503
    response.release()
    async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
        assert r.status == 200


async def test_traceparents_are_kept(sim: tuple[str, aiohttp.ClientSession]) -> None:
    _, http = sim
    async with http.get(POS_LOCATIONS, headers={**POS_AUTH, "traceparent": TRACEPARENT}):
        pass
    async with http.get("/_sim/traceparents") as r:
        assert TRACEPARENT in (await r.json())["traceparents"]


def order_body(world: World, key: str) -> dict[str, object]:
    product = next(p for p in world.products if p.webshop_id is not None)
    return {"line_items": [{"product_id": product.webshop_id, "quantity": 1}],
            "meta_data": [{"key": "omnigate_idempotency_key", "value": key}]}


async def orders_keyed(http: aiohttp.ClientSession, key: str) -> list[dict[str, object]]:
    async with http.get(ORDERS, params={"customer": "0", "per_page": "100"}, headers=WEBSHOP_AUTH) as r:
        assert r.status == 200
        rows: list[dict[str, object]] = await r.json()
    return [o for o in rows if any(m["key"] == "omnigate_idempotency_key" and m["value"] == key
                                   for m in o["meta_data"])]  # type: ignore[attr-defined]


async def test_a_route_fault_hits_that_route_only(sim: tuple[str, aiohttp.ClientSession], world: World) -> None:
    _, http = sim
    # given placing web orders is down
    async with http.post("/_sim/faults", json={"system": "webshop", "route": POST_ORDERS, "down": True}) as r:
        assert r.status == 200
        assert (await r.json())["webshop"]["routes"] == {POST_ORDERS: {**NO_FAULTS, "down": True}}
    # when an order is placed, then it is refused and not placed
    async with http.post(ORDERS, json=order_body(world, "route-1"), headers=WEBSHOP_AUTH) as r:
        assert r.status == 503
    # and reading orders still answers
    assert await orders_keyed(http, "route-1") == []
    # and once faults are cleared the route answers again and the fault is gone
    async with http.delete("/_sim/faults") as r:
        assert (await r.json())["webshop"]["routes"] == {}
    async with http.post(ORDERS, json=order_body(world, "route-1"), headers=WEBSHOP_AUTH) as r:
        assert r.status == 201


async def test_a_lost_reply_makes_the_write_and_answers_504(sim: tuple[str, aiohttp.ClientSession],
                                                            world: World) -> None:
    _, http = sim
    # given the reply to placing an order is lost
    await http.post("/_sim/faults", json={"system": "webshop", "route": POST_ORDERS, "lost_reply": True})
    # when an order is placed
    async with http.post(ORDERS, json=order_body(world, "lost-1"), headers=WEBSHOP_AUTH) as r:
        # then the caller gets a 504
        assert r.status == 504
    # and the order was placed all the same, once
    assert len(await orders_keyed(http, "lost-1")) == 1
    async with http.get("/_sim/stats") as r:
        assert (await r.json())["systems"]["webshop"]["routes"][POST_ORDERS] == 1


async def test_a_lost_reply_for_a_whole_system_loses_every_reply(sim: tuple[str, aiohttp.ClientSession]) -> None:
    _, http = sim
    await http.post("/_sim/faults", json={"system": "pos", "lost_reply": True})
    async with http.get(POS_LOCATIONS, headers=POS_AUTH) as r:
        assert r.status == 504
    async with http.get(CRM_QUERY, params={"q": "SELECT Id FROM Contact LIMIT 1"},
                        headers={"Authorization": "Bearer demo-crm-token"}) as r:
        assert r.status == 200


@pytest.mark.parametrize("body", [
    {"system": "mainframe", "down": True}, {"system": "pos", "error_rate": 2}, {"system": "pos", "latency_ms": -1},
    {"system": "pos", "down": "yes"}, {"system": "pos", "explode": True}, [1, 2],
    {"system": "pos", "lost_reply": 1}, {"route": POST_ORDERS, "down": True},
    {"system": "pos", "route": POST_ORDERS, "down": True}, {"system": "webshop", "route": ORDERS, "down": True},
    {"system": "webshop", "route": f"POST {ORDERS}/nowhere", "down": True},
    {"system": "webshop", "route": POST_ORDERS, "down": "yes"},
])
async def test_a_bad_fault_request_is_refused_and_changes_nothing(sim: tuple[str, aiohttp.ClientSession],
                                                                  body: object) -> None:
    _, http = sim
    async with http.post("/_sim/faults", json=body) as r:
        assert r.status == 400
    async with http.get("/_sim/faults") as r:
        assert all(f == {**NO_FAULTS, "routes": {}} for f in (await r.json()).values())


async def test_identity_is_the_one_the_host_was_started_with(world: World) -> None:
    host = SimulatorHost(world, identity="started-by-the-demo")
    base = await host.start()
    async with aiohttp.ClientSession(base) as http, http.get("/_sim/identity") as r:
        answer = (r.status, await r.json())
    await host.stop()
    assert answer == (200, {"identity": "started-by-the-demo"})
