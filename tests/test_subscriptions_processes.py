"""Subscriptions on `omnigate serve` processes: SIGTERM completes every subscription cleanly within the drain and
exits 0; with two replicas sharing Redis, an event made on one reaches a subscriber of the other."""

import asyncio
import signal
from pathlib import Path
from typing import Any, cast

import aiohttp
import pytest
from aiohttp import WSMsgType

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from tests.gateway_process import GatewayProcess, gateway_process
from tests.harness import bearer
from tests.redis_server import RedisServer, redis_server
from tests.subscribers import TRANSPORT_WS, ws_url
from tests.test_gateway_appointments import REQUEST as REQUEST_APPOINTMENT
from tests.test_gateway_appointments import STORE, request_input
from tests.test_gateway_redis import two_replicas
from tests.test_gateway_replicas import Sims, sims
from tests.test_gateway_reservations import OWNER
from tests.test_subscriptions import APPOINTMENTS

__all__ = ["redis_server", "sims"]  # fixtures

SETTLE_S = 20.0


def staff_of(store: str) -> dict[str, str]:
    return bearer(Role.STAFF, f"staff-of-{store}", store=store)


async def subscribed_staff(http: aiohttp.ClientSession, gateway: GatewayProcess
                           ) -> aiohttp.ClientWebSocketResponse:
    """A staff member of STORE following its appointment requests, once the gateway counts the subscription."""
    ws = await http.ws_connect(ws_url(gateway.url), protocols=[TRANSPORT_WS])
    await ws.send_json({"type": "connection_init", "payload": staff_of(STORE)})
    assert (await ws.receive_json(timeout=SETTLE_S))["type"] == "connection_ack"
    await ws.send_json({"id": "1", "type": "subscribe",
                        "payload": {"query": APPOINTMENTS, "variables": {"store": global_id("Store", STORE)}}})
    await until_metric(http, gateway, "omnigate_subscriptions_open", 1)
    return ws


async def until_metric(http: aiohttp.ClientSession, gateway: GatewayProcess, name: str, value: float) -> None:
    deadline = asyncio.get_running_loop().time() + SETTLE_S
    while asyncio.get_running_loop().time() < deadline:
        async with http.get(f"{gateway.url}/metrics") as r:
            text = await r.text()
        if f"{name} {value}" in text:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name} never reached {value}")


@pytest.mark.timeout(120)
async def test_sigterm_completes_every_subscription_then_closes_with_1001(sims: Sims, tmp_path: Path) -> None:
    async with gateway_process(sims.url, tmp_path / "ledger.sqlite3") as gateway, aiohttp.ClientSession() as http:
        ws = await subscribed_staff(http, gateway)
        # when Kubernetes stops the pod
        gateway.process.send_signal(signal.SIGTERM)
        # then the subscription completes, the socket closes as "going away", and the process exits 0
        completed = await ws.receive_json(timeout=SETTLE_S)
        closing = await ws.receive(timeout=SETTLE_S)
        exited = await asyncio.get_running_loop().run_in_executor(None, lambda: gateway.process.wait(timeout=30))
    assert completed == {"id": "1", "type": "complete"}
    assert (closing.type, ws.close_code) == (WSMsgType.CLOSE, 1001)
    assert exited == 0


@pytest.mark.timeout(180)
async def test_an_event_made_on_one_replica_reaches_a_subscriber_of_the_other(
        sims: Sims, tmp_path: Path, redis_server: RedisServer) -> None:
    async with two_replicas(sims, tmp_path, redis_server) as (a, b), aiohttp.ClientSession() as http:
        await until_metric(http, a, "omnigate_redis_up", 1)
        await until_metric(http, b, "omnigate_redis_up", 1)
        async with await subscribed_staff(http, b) as ws:
            # when a customer requests an appointment through the other replica
            answer = await _post(http, a, REQUEST_APPOINTMENT, request_input(cast(Any, sims)),
                                 bearer(Role.CUSTOMER, OWNER))
            made = answer["data"]["requestAppointment"]["appointment"]
            # then staff connected to this one have it
            event = await ws.receive_json(timeout=SETTLE_S)
    assert event["type"] == "next"
    assert event["payload"]["data"]["appointmentRequests"]["appointment"]["id"] == made["id"]


async def _post(http: aiohttp.ClientSession, gateway: GatewayProcess, query: str, variables: dict[str, Any],
                headers: dict[str, str]) -> dict[str, Any]:
    async with http.post(f"{gateway.url}/graphql", json={"query": query, "variables": variables}, headers=headers) as r:
        body: dict[str, Any] = await r.json()
        assert r.status == 200 and "errors" not in body, body
        return body
