"""The bounds of GraphQL over WebSocket, message by message (a raw aiohttp client): operations per connection,
connections per principal, the operation limits, keep-alive pings, a slow consumer let go, and errors with
codes for queries and mutations sent over the socket too."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import WSMsgType

from gateway.appkeys import LIVE_KEY, METRICS_KEY
from gateway.live import StockChanged
from gateway.schema.relay import global_id
from simulators.world import World
from tests.harness import Stack, running_stack
from tests.subscribers import LEGACY_WS, TRANSPORT_WS, until, ws_url
from tests.test_gateway_appointments import STORE, staff

STOCK = """
subscription Stock($skus: [String!]!, $stores: [ID!]!) {
  stockChanges(skus: $skus, storeIds: $stores) { sku availability { quantity } }
}"""
DEEP = """
subscription Deep($store: ID!) {
  appointmentRequests(storeId: $store) { appointment { store { availability(skus: ["X"]) { store { code } } } } }
}"""
STORES = ("{ stores(first: 40) { edges { node { id code name phone timezone services "
          "address { line1 postalCode city countryCode } openingHours { day opens closes } } } } }")
LIMITS = {"OMNIGATE_WS_SUBSCRIPTIONS_PER_CONNECTION": "2", "OMNIGATE_WS_CONNECTIONS_PER_PRINCIPAL": "1",
          "OMNIGATE_WS_SUBSCRIPTION_BUFFER": "3", "OMNIGATE_WS_KEEPALIVE_S": "0.2", "OMNIGATE_MAX_DEPTH": "4"}


@pytest.fixture
async def bounded(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, LIMITS) as stack:
        await stack.warm()
        yield stack


async def connect(stack: Stack, init: dict[str, str] | None = None, protocol: str = TRANSPORT_WS,
                  autoping: bool = True) -> aiohttp.ClientWebSocketResponse:
    ws = await stack.http.ws_connect(ws_url(stack.gateway_url), protocols=[protocol], autoping=autoping)
    await ws.send_json({"type": "connection_init", "payload": init or {}})
    return ws


async def acked(stack: Stack, init: dict[str, str] | None = None,
                protocol: str = TRANSPORT_WS) -> aiohttp.ClientWebSocketResponse:
    ws = await connect(stack, init, protocol)
    assert (await ws.receive_json(timeout=10))["type"] == "connection_ack"
    return ws


def stock(stack: Stack) -> dict[str, Any]:
    product = stack.world.products[0]
    return {"query": STOCK, "variables": {"skus": [product.sku], "stores": [global_id("Store", STORE)]}}


async def subscribe(ws: aiohttp.ClientWebSocketResponse, op: str, payload: dict[str, Any]) -> None:
    await ws.send_json({"id": op, "type": "subscribe", "payload": payload})


async def message(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    """The next protocol message, past the legacy protocol's keep-alives."""
    while True:
        got: dict[str, Any] = await ws.receive_json(timeout=10)
        if got["type"] != "ka":
            return got


def codes(found: dict[str, Any]) -> list[str]:
    payload = found["payload"]
    errors = payload if isinstance(payload, list) else payload.get("errors", [payload])
    return [e["extensions"]["code"] for e in errors]


async def test_a_connection_runs_as_many_operations_as_the_setting_allows(bounded: Stack) -> None:
    async with await acked(bounded) as ws:
        for op in ("1", "2"):
            await subscribe(ws, op, stock(bounded))
        await until(lambda: bounded.app[LIVE_KEY].open_streams == 2)
        await subscribe(ws, "3", stock(bounded))
        refused = await message(ws)
        await ws.send_json({"id": "1", "type": "complete"})
        await until(lambda: bounded.app[LIVE_KEY].open_streams == 1)
        await subscribe(ws, "4", stock(bounded))
        await until(lambda: bounded.app[LIVE_KEY].open_streams == 2)
    assert refused["id"] == "3" and refused["type"] == "error"
    assert refused["payload"][0]["extensions"] == {"code": "SUBSCRIPTION_LIMIT_EXCEEDED",
                                                   "limit": "subscriptionsPerConnection", "max": 2}


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_principal_holds_as_many_connections_as_the_setting_allows(bounded: Stack, protocol: str) -> None:
    async with await acked(bounded, staff(), protocol):
        async with await connect(bounded, staff(), protocol) as second:
            answer = await second.receive(timeout=10)
            if protocol == LEGACY_WS:
                assert answer.json()["payload"]["extensions"] == {
                    "code": "SUBSCRIPTION_LIMIT_EXCEEDED", "limit": "connectionsPerPrincipal", "max": 1}
                answer = await second.receive(timeout=10)
        assert answer.type == WSMsgType.CLOSE
        assert second.close_code == (4429 if protocol == TRANSPORT_WS else 1011)
        async with await acked(bounded, staff("LYO01"), protocol):  # someone else may
            pass
    async with await acked(bounded, staff(), protocol):  # and once the first closed, they may again
        pass


async def test_the_operation_limits_and_document_errors_answer_with_codes(bounded: Stack) -> None:
    async with await acked(bounded, staff()) as ws:
        await subscribe(ws, "deep", {"query": DEEP, "variables": {"store": global_id("Store", STORE)}})
        deep = await message(ws)
        await subscribe(ws, "parse", {"query": "subscription {"})
        broken = await message(ws)
        await subscribe(ws, "invalid", {"query": "subscription { nope }"})
        invalid = await message(ws)
        await subscribe(ws, "none", {"query": None})
        empty = await message(ws)
    assert (deep["id"], deep["type"], codes(deep)) == ("deep", "error", ["OPERATION_LIMIT_EXCEEDED"])
    assert (broken["id"], codes(broken)) == ("parse", ["GRAPHQL_PARSE_FAILED"])
    assert (invalid["id"], codes(invalid)) == ("invalid", ["GRAPHQL_VALIDATION_FAILED"])
    assert (empty["id"], codes(empty)) == ("none", ["BAD_REQUEST"])


async def test_queries_and_mutations_over_the_socket_answer_errors_with_codes(bounded: Stack) -> None:
    async with await acked(bounded, staff()) as ws:
        await subscribe(ws, "q", {"query": "{ stores(first: 1) { totalCount } }"})
        answered, completed = await message(ws), await message(ws)
        await subscribe(ws, "bad", {"query": "{ order(id: \"not-an-id\") { id } }"})
        refused, _ = await message(ws), await message(ws)
        await subscribe(ws, "m", {"query": "mutation { cancelReservation(id: \"nope\") { userErrors { code } } }"})
        mutation, done = await message(ws), await message(ws)
    assert answered["type"] == "next" and answered["payload"]["data"]["stores"]["totalCount"] > 0
    assert completed == {"id": "q", "type": "complete"}
    assert refused["type"] == "next" and codes(refused) == ["BAD_USER_INPUT"]
    assert mutation["type"] == "next" and codes(mutation) == ["BAD_USER_INPUT"]
    assert done == {"id": "m", "type": "complete"}
    assert "Traceback" not in str(refused) + str(mutation)


async def test_keep_alive_pings_reach_an_idle_connection(bounded: Stack) -> None:
    async with await connect(bounded, protocol=TRANSPORT_WS, autoping=False) as ws:
        assert (await ws.receive_json(timeout=10))["type"] == "connection_ack"
        ping = await ws.receive(timeout=10)
        await ws.pong(ping.data)
    assert ping.type == WSMsgType.PING
    async with await acked(bounded, protocol=LEGACY_WS) as legacy:
        assert (await legacy.receive_json(timeout=10)) == {"type": "ka"}


async def test_a_subscriber_that_falls_behind_is_let_go(bounded: Stack) -> None:
    product = bounded.world.products[0]
    async with await acked(bounded) as ws:
        await subscribe(ws, "1", stock(bounded))
        await until(lambda: bounded.app[LIVE_KEY].open_streams == 1)
        for _ in range(10):  # more than the buffer's 3, told before the subscriber could read one
            bounded.app[LIVE_KEY].publish(StockChanged(product.gtin, STORE, datetime.now(UTC)))
        ended, completed = await message(ws), await message(ws)
        closing = await ws.receive(timeout=10)
    assert ended["type"] == "next" and codes(ended) == ["SLOW_CONSUMER"]
    assert completed == {"id": "1", "type": "complete"}
    assert (closing.type, ws.close_code) == (WSMsgType.CLOSE, 1013)
    assert bounded.app[LIVE_KEY].open_streams == 0


@pytest.mark.timeout(120)
async def test_a_client_that_stops_reading_is_dropped_once_the_socket_is_full(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_WS_SEND_TIMEOUT_S": "0.5"}) as stack:
        sent = await _until_dropped(stack)
    assert sent < 20000


async def _until_dropped(stack: Stack) -> int:
    """Sends operations and never reads their answers, until the gateway drops the connection."""
    registry = stack.app[METRICS_KEY].registry

    def open_sockets() -> float:
        return registry.get_sample_value("omnigate_websocket_connections") or 0.0

    async with await acked(stack, staff()) as ws:
        sent = 0
        while open_sockets() > 0 and sent < 20000:
            try:
                for _ in range(20):
                    await subscribe(ws, str(sent), {"query": STORES})
                    sent += 1
            except ConnectionError:
                break
            await asyncio.sleep(0.05)
    # once a message waited OMNIGATE_WS_SEND_TIMEOUT_S for room, the gateway dropped the connection
    await until(lambda: open_sockets() == 0)
    return sent


async def test_metrics_count_connections_subscriptions_and_pushes(bounded: Stack) -> None:
    product = bounded.world.products[0]
    async with await acked(bounded) as ws:
        await subscribe(ws, "1", stock(bounded))
        await until(lambda: bounded.app[LIVE_KEY].open_streams == 1)
        bounded.app[LIVE_KEY].publish(StockChanged(product.gtin, STORE, datetime.now(UTC)))
        assert (await message(ws))["type"] == "next"
        during = await metrics(bounded)
    await until(lambda: bounded.app[LIVE_KEY].open_streams == 0)
    after = await metrics(bounded)
    assert during["omnigate_websocket_connections"] == 1 and during["omnigate_subscriptions_open"] == 1
    assert during['omnigate_subscription_events_pushed_total{field="stockChanges"}'] == 1
    assert during['omnigate_subscription_push_delay_seconds_count{field="stockChanges"}'] == 1
    assert after["omnigate_websocket_connections"] == 0 and after["omnigate_subscriptions_open"] == 0


async def metrics(stack: Stack) -> dict[str, float]:
    async with stack.http.get(f"{stack.gateway_url}/metrics") as r:
        text = await r.text()
    return {name: float(value) for line in text.splitlines() if line and not line.startswith("#")
            for name, value in [line.rsplit(" ", 1)]}
