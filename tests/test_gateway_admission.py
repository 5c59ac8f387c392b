"""Admission control: a worker runs at most OMNIGATE_MAX_IN_FLIGHT GraphQL requests, a short queue waits, the
rest get 503 `OVERLOADED` with `Retry-After` at once; the probes answer all along. (How fast `/healthz` answers
under load is measured by bench/admission.py, not asserted: the machine is shared.)"""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from simulators.world import World
from tests.harness import STAFF, Stack, running_stack
from tests.test_gateway_batching import BULK, PARIS

CONCURRENT = 100
ADMISSION = {"OMNIGATE_MAX_IN_FLIGHT": "4", "OMNIGATE_ADMISSION_QUEUE": "4", "OMNIGATE_ADMISSION_WAIT_S": "0.3",
             "OMNIGATE_MAX_CONNECTIONS_PER_CLIENT": "0",  # every client here comes from 127.0.0.1
             # no shared caches: every document goes to the back offices
             **{f"OMNIGATE_{kind}_TTL_S": "0.000001" for kind in ("CATALOG", "PRICE", "STOCK")}}


@pytest.fixture
async def admitting(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, ADMISSION) as stack:
        await stack.warm()
        yield stack


async def post(http: aiohttp.ClientSession, url: str, document: dict[str, Any]) -> tuple[int, str | None, Any]:
    async with http.post(f"{url}/graphql", json=document, headers=STAFF) as r:
        return r.status, r.headers.get("Retry-After"), await r.json()


async def test_excess_requests_get_503_with_retry_after_while_the_probes_answer(admitting: Stack) -> None:
    # given expensive documents (a partner's bulk read of 50 skus) whose back offices take 150 ms a call
    skus = [p.sku for p in admitting.world.products if not p.delisted][:50]
    document = {"query": BULK, "variables": {"skus": skus, "near": PARIS}}
    await admitting.fault(latency_ms=150)

    # when a hundred arrive at once, and the probes are asked meanwhile on connections of their own
    connector = aiohttp.TCPConnector(limit=CONCURRENT)
    async with aiohttp.ClientSession(connector=connector) as clients, aiohttp.ClientSession() as probe:
        flood = asyncio.gather(*(post(clients, admitting.gateway_url, document) for _ in range(CONCURRENT)))
        await asyncio.sleep(0.05)
        probes = []
        for path in ("/healthz", "/readyz", "/healthz"):
            async with probe.get(f"{admitting.gateway_url}{path}") as r:
                probes.append(r.status)
        answers = await flood

    # then the probes answered, a few documents ran, and the rest were told to come back
    assert probes == [200, 200, 200]
    statuses = Counter(status for status, _, _ in answers)
    assert set(statuses) == {200, 503} and statuses[200] >= 4 and statuses[503] >= CONCURRENT // 2, statuses
    for status, retry_after, body in answers:
        if status == 503:
            assert retry_after == "1"
            assert body == {"errors": [{"message": "the gateway is busy: try again shortly",
                                        "extensions": {"code": "OVERLOADED"}}]}
        else:
            assert "errors" not in body

    # and once the flood is over, the gateway admits again and counts what it refused
    await admitting.fault(latency_ms=0)
    status, _, body = await post(admitting.http, admitting.gateway_url, document)
    assert status == 200 and "errors" not in body
    async with admitting.http.get(f"{admitting.gateway_url}/metrics") as r:
        metrics = await r.text()
    assert f'omnigate_graphql_requests_total{{operation="unknown",outcome="overloaded"}} {statuses[503]}.0' in metrics
