"""Gateways as separate processes on one ledger file: replicas racing for the last unit, and a gateway killed
with `kill -9` whose unfinished work the next one undoes."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from connectors.ledger.database import open_database
from connectors.ledger.holds import LedgerReservations
from connectors.ledger.journal import LedgerJournal
from gateway.auth.principals import Role
from simulators.host import SimulatorHost
from simulators.world import World
from tests.direct import webshop_order, webshop_orders_since
from tests.gateway_process import gateway_process
from tests.harness import bearer
from tests.ordering import PICKUP_STORE, PLACE, online_with_few_left, order_input, shop_time, shopper
from tests.test_gateway_reservations import RESERVE, STORE, few_left, reserve_input

ORDERS = "/webshop/wp-json/wc/v3/orders"
CONTENDERS = 20


class Sims:
    def __init__(self, host: SimulatorHost, url: str, http: aiohttp.ClientSession) -> None:
        self.host, self.url, self.http = host, url, http
        self.world = host.world

    async def fault(self, **faults: Any) -> None:
        async with self.http.post(f"{self.url}/_sim/faults", json=faults) as r:
            assert r.status == 200, await r.text()

    async def clear(self) -> None:
        async with self.http.delete(f"{self.url}/_sim/faults") as r:
            assert r.status == 200


@pytest.fixture
async def sims(live_world: World) -> AsyncIterator[Sims]:
    host = SimulatorHost(live_world)
    url = await host.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Sims(host, url, http)
    finally:
        await host.stop()


async def graphql(http: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any],
                  headers: dict[str, str]) -> dict[str, Any]:
    async with http.post(f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers) as r:
        body: dict[str, Any] = await r.json()
        assert r.status == 200, body
        return body


async def held_in(ledger: Path, sku: str, store: str) -> int:
    async with open_database(ledger) as database:
        [units] = await LedgerReservations(database).held([(sku, store)], datetime.now(UTC))
        return units


async def journal_in(ledger: Path) -> list[str]:
    async with open_database(ledger) as database:
        return [entry.undo.kind.value for entry in await LedgerJournal(database).pending()]


async def test_twenty_reservations_over_two_replicas_hold_the_last_unit_once(sims: Sims, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    product, left = few_left(sims)
    customer = bearer(Role.CUSTOMER, "003OG0000000000AAA")
    async with gateway_process(sims.url, ledger) as a, gateway_process(sims.url, ledger) as b:
        if left > 1:
            first = await graphql(sims.http, a.url, RESERVE, reserve_input(product.sku, left - 1, "all-but-one"),
                                  customer)
            assert first["data"]["reserveInStore"]["userErrors"] == []
        replies = await asyncio.gather(*(
            graphql(sims.http, (a, b)[n % 2].url, RESERVE, reserve_input(product.sku, 1, f"race-{n}"), customer)
            for n in range(CONTENDERS)))

    outcomes = Counter("HELD" if r["data"]["reserveInStore"]["reservation"] else
                       r["data"]["reserveInStore"]["userErrors"][0]["code"] for r in replies)
    assert outcomes == {"HELD": 1, "OUT_OF_STOCK": CONTENDERS - 1}
    assert await held_in(ledger, product.sku, STORE) == left


async def test_an_undo_journaled_before_a_kill_is_done_by_the_next_gateway(sims: Sims, tmp_path: Path) -> None:
    ledger, since = tmp_path / "ledger.sqlite3", datetime.now(UTC) - timedelta(seconds=1)
    product, _ = online_with_few_left(sims, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(sims).crm_id)
    async with gateway_process(sims.url, ledger) as first:
        await sims.fault(system="webshop", route=f"POST {ORDERS}", lost_reply=True)
        await sims.fault(system="webshop", route=f"GET {ORDERS}", down=True)
        body = await graphql(sims.http, first.url, PLACE, order_input([(product.sku, 1)], "PICKUP_IN_STORE",
                                                                      store=PICKUP_STORE), buyer)
        assert [e["code"] for e in body["data"]["placeOrder"]["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
        first.kill()
    assert await journal_in(ledger) == ["CANCEL_WEB_ORDER"]
    await sims.clear()  # no gateway runs now: the orphan stays as the killed one left it
    [orphan] = await webshop_orders_since(sims.http, sims.url, shop_time(since))
    assert orphan["status"] == "pending"

    async with gateway_process(sims.url, ledger):
        await _until(lambda: journal_in(ledger), [])
    assert await held_in(ledger, product.sku, PICKUP_STORE) == 0
    assert (await webshop_order(sims.http, sims.url, str(orphan["id"])))["status"] == "cancelled"


async def test_a_saga_killed_mid_way_is_undone_by_the_next_gateway(sims: Sims, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    product, _ = online_with_few_left(sims, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(sims).crm_id)
    lease = {"OMNIGATE_SAGA_LEASE_S": "2"}
    async with gateway_process(sims.url, ledger, **lease) as first:
        await sims.fault(system="webshop", route=f"POST {ORDERS}", hang=True)
        placing = asyncio.create_task(graphql(sims.http, first.url, PLACE, order_input(
            [(product.sku, 1)], "PICKUP_IN_STORE", store=PICKUP_STORE), buyer))
        await _until(lambda: held_in(ledger, product.sku, PICKUP_STORE), 1)  # held, the order under way
        first.kill()
        with pytest.raises(aiohttp.ClientError):
            await placing
    await sims.clear()

    async with gateway_process(sims.url, ledger, **lease):
        await _until(lambda: held_in(ledger, product.sku, PICKUP_STORE), 0)
        await _until(lambda: journal_in(ledger), [])


async def _until(read: Any, expected: object, timeout_s: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while (found := await read()) != expected:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.2)
