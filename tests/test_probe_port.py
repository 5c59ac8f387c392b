"""The probe port: `/healthz` and `/readyz` from a thread of their own, liveness from the loop's heartbeat."""

import asyncio
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator

import aiohttp
import pytest

from gateway.appkeys import PROBES_KEY
from simulators.world import World
from tests.harness import STAFF, Stack, running_stack

BULK = "query B($skus: [String!]!) { products(skus: $skus) { sku price { amount { amount } } } }"


@pytest.fixture
async def probed(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, {"OMNIGATE_PROBE_PORT": "0", "OMNIGATE_LIVENESS_STALL_S": "0.5"}) as stack:
        yield stack


async def probe(stack: Stack, path: str) -> tuple[int, dict[str, str]]:
    port = stack.app[PROBES_KEY].port
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as r:
        return r.status, await r.json()


async def test_the_probe_port_answers_liveness_and_readiness(probed: Stack) -> None:
    assert await probe(probed, "/healthz") == (200, {"status": "ok"})
    assert await probe(probed, "/readyz") == (200, {"status": "ready"})
    assert (await probe(probed, "/graphql"))[0] == 404  # probes only: nothing else is served there


async def test_a_wedged_event_loop_fails_liveness_on_the_probe_port(probed: Stack) -> None:
    loop = asyncio.get_running_loop()
    answers = loop.run_in_executor(None, _probe_after, probed.app[PROBES_KEY].port, 0.8)
    time.sleep(1.5)  # the gateway's loop (this test's) does not turn: as a wedged loop would
    status = await answers
    assert status == 503
    await asyncio.sleep(0.5)  # the loop turns again: the heartbeat resumes
    assert (await probe(probed, "/healthz"))[0] == 200


async def test_probes_answer_while_graphql_work_keeps_the_loop_busy(probed: Stack) -> None:
    skus = [p.sku for p in probed.world.products[:100]]
    work = [asyncio.create_task(probed.graphql(BULK, {"skus": skus}, STAFF)) for _ in range(20)]
    answered = [await probe(probed, "/healthz") for _ in range(10)]
    await asyncio.gather(*work, return_exceptions=True)
    assert all(status == 200 for status, _ in answered)


def _probe_after(port: int, delay_s: float) -> int:
    """From another thread, as the kubelet would: the status of /healthz after `delay_s`."""
    time.sleep(delay_s)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
