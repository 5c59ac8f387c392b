"""SIGTERM drains `omnigate serve` as a Kubernetes rollout needs: readiness fails at once, new connections are
refused, the request in flight finishes with its answer, and the process exits 0."""

import asyncio
import signal
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest

from gateway.schema.relay import global_id
from tests.gateway_process import GatewayProcess, gateway_process
from tests.processes import free_port
from tests.test_gateway_replicas import Sims
from tests.test_gateway_replicas import sims as sims  # the fixture, under its name

STOCK = """query Stock($sku: String!, $store: ID!) {
  product(sku: $sku) { sku availabilityInStore(storeId: $store) { quantity } } }"""
STORE = "MAR01"
# Long enough to signal and watch readiness and the listener while the request is held; the deadline above it, so
# the request answers in full (the drain waits deadline + 2 s: longer than the 5 s the gateway used to allow).
SLOW_POS_MS = 6000
DEADLINE_S = "10"


def probe(port: int, path: str) -> int:
    """As the kubelet asks: a fresh connection, the status only."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


async def eventually(predicate: Callable[[], Awaitable[bool]], within_s: float = 5.0) -> bool:
    deadline = asyncio.get_running_loop().time() + within_s
    while asyncio.get_running_loop().time() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def refuses_connections(gateway: GatewayProcess) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(f"{gateway.url}/healthz") as response:
            await response.read()
            return False
    except aiohttp.ClientConnectorError as error:
        return isinstance(error.os_error, ConnectionRefusedError)


@pytest.mark.timeout(120)
async def test_sigterm_finishes_the_request_in_flight_refuses_new_ones_and_exits_0(sims: Sims, tmp_path: Path) -> None:
    probe_port = free_port()
    product = sims.world.products[0]
    variables = {"sku": product.sku, "store": global_id("Store", STORE)}
    async with gateway_process(sims.url, tmp_path / "ledger.sqlite3", OMNIGATE_PROBE_PORT=str(probe_port),
                               OMNIGATE_REQUEST_DEADLINE_S=DEADLINE_S) as gateway:
        loop = asyncio.get_running_loop()

        def readyz(expected: int) -> Callable[[], Awaitable[bool]]:
            return lambda: loop.run_in_executor(None, lambda: probe(probe_port, "/readyz") == expected)

        assert await eventually(readyz(200), within_s=60)
        # given a request in flight, held by a slow POS
        await sims.fault(system="pos", latency_ms=SLOW_POS_MS)
        in_flight = asyncio.create_task(sims.http.post(f"{gateway.url}/graphql",
                                                       json={"query": STOCK, "variables": variables}))
        await asyncio.sleep(1.0)
        assert not in_flight.done()

        # when Kubernetes stops the pod
        gateway.process.send_signal(signal.SIGTERM)

        # then readiness fails at once (the probe port answers to the end), and new connections are refused
        assert await eventually(readyz(503))
        assert await eventually(lambda: refuses_connections(gateway))
        assert not in_flight.done() and gateway.process.poll() is None
        # and the request in flight still gets its whole answer, then the process exits 0
        async with await in_flight as response:
            body = await response.json()
        assert response.status == 200 and "errors" not in body, body
        assert body["data"]["product"]["availabilityInStore"]["quantity"] is not None
        assert await loop.run_in_executor(None, lambda: gateway.process.wait(timeout=30)) == 0
