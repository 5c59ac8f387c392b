"""Gateways as separate processes sharing one ledger, the SQLite file or PostgreSQL: replicas racing for the last
unit, a retried write answered by the other replica, and a gateway killed with `kill -9` whose unfinished work the
other or the next one undoes; on PostgreSQL, a database restart under running replicas."""

import asyncio
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from connectors.ledger.postgres.migrations import migrations
from connectors.ledger.store import LedgerPorts, open_ledger
from gateway.auth.principals import Role
from simulators.host import SimulatorHost
from simulators.world import World
from tests.direct import webshop_order, webshop_orders_since
from tests.gateway_process import GatewayProcess, gateway_process
from tests.harness import bearer
from tests.ordering import PICKUP_STORE, PLACE, online_with_few_left, order_input, shop_time, shopper
from tests.postgres import PostgresServer
from tests.processes import OMNIGATE, ROOT, environment
from tests.test_gateway_reservations import RESERVE, STORE, few_left, reserve_input

ORDERS = "/webshop/wp-json/wc/v3/orders"
CONTENDERS = 20

APPLIED = "".join(f"applied {m.name}\n" for m in migrations())  # every file shipped, in order


class Sims:
    def __init__(self, host: SimulatorHost, url: str, http: aiohttp.ClientSession) -> None:
        self.host, self.url, self.http = host, url, http
        self.world = host.world

    async def fault(self, **faults: Any) -> None:
        async with self.http.post(f"{self.url}/_sim/faults", json=faults) as r:
            assert r.status == 200, await r.text()

    async def calls(self) -> dict[str, int]:
        """Upstream calls since the last reset, per "METHOD /route"."""
        async with self.http.get(f"{self.url}/_sim/stats") as r:
            stats = await r.json()
        return {route: n for system in stats["systems"].values() for route, n in system["routes"].items()}

    async def reset_calls(self) -> None:
        async with self.http.post(f"{self.url}/_sim/stats/reset") as r:
            assert r.status == 200

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


@dataclass(frozen=True)
class Shared:
    """Where the replicas keep their ledger: the settings each gateway gets, and the ledger for the test's reads."""

    sqlite: Path
    database_url: str | None = None

    def gateway(self, sim_url: str, **extra: str) -> AbstractAsyncContextManager[GatewayProcess]:
        url = {"OMNIGATE_DATABASE_URL": self.database_url} if self.database_url else {}
        return gateway_process(sim_url, self.sqlite, **url, **extra)

    def open(self) -> AbstractAsyncContextManager[LedgerPorts]:
        return open_ledger(self.sqlite, self.database_url)


@pytest.fixture(params=["sqlite", "postgres"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Shared:
    """One SQLite file, or a PostgreSQL database migrated by `omnigate migrate` as a deployment's Job does."""
    if request.param == "sqlite":
        return Shared(tmp_path / "ledger.sqlite3")
    return Shared(tmp_path / "unused.sqlite3", migrated(request.getfixturevalue("postgres")))


def migrated(postgres: PostgresServer) -> str:
    url = postgres.new_database()
    done = subprocess.run([*OMNIGATE, "migrate"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=environment(OMNIGATE_DATABASE_URL=url, **{
                              f"OMNIGATE_{s.upper()}_URL": f"http://127.0.0.1:9/{s}"
                              for s in ("erp", "pos", "crm", "webshop")}))
    assert (done.returncode, done.stdout) == (0, APPLIED), done.stderr
    return url


async def held_in(shared: Shared, sku: str, store: str) -> int:
    async with shared.open() as ledger:
        [units] = await ledger.reservations.held([(sku, store)], datetime.now(UTC))
        return units


async def journal_in(shared: Shared) -> list[str]:
    async with shared.open() as ledger:
        return [entry.undo.kind.value for entry in await ledger.journal.pending()]


async def test_twenty_reservations_over_two_replicas_hold_the_last_unit_once(sims: Sims, shared: Shared) -> None:
    product, left = few_left(sims)
    customer = bearer(Role.CUSTOMER, "003OG0000000000AAA")
    async with shared.gateway(sims.url) as a, shared.gateway(sims.url) as b:
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
    assert await held_in(shared, product.sku, STORE) == left


async def test_an_undo_journaled_before_a_kill_is_done_by_the_next_gateway(sims: Sims, shared: Shared) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    product, _ = online_with_few_left(sims, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(sims).crm_id)
    async with shared.gateway(sims.url) as first:
        await sims.fault(system="webshop", route=f"POST {ORDERS}", lost_reply=True)
        await sims.fault(system="webshop", route=f"GET {ORDERS}", down=True)
        body = await graphql(sims.http, first.url, PLACE, order_input([(product.sku, 1)], "PICKUP_IN_STORE",
                                                                      store=PICKUP_STORE), buyer)
        assert [e["code"] for e in body["data"]["placeOrder"]["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
        first.kill()
    assert await journal_in(shared) == ["CANCEL_WEB_ORDER"]
    await sims.clear()  # no gateway runs now: the orphan stays as the killed one left it
    [orphan] = await webshop_orders_since(sims.http, sims.url, shop_time(since))
    assert orphan["status"] == "pending"

    async with shared.gateway(sims.url):
        await _until(lambda: journal_in(shared), [])
    assert await held_in(shared, product.sku, PICKUP_STORE) == 0
    assert (await webshop_order(sims.http, sims.url, str(orphan["id"])))["status"] == "cancelled"


async def test_a_saga_killed_mid_way_is_undone_by_the_next_gateway(sims: Sims, shared: Shared) -> None:
    product, _ = online_with_few_left(sims, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(sims).crm_id)
    lease = {"OMNIGATE_SAGA_LEASE_S": "2"}
    async with shared.gateway(sims.url, **lease) as first:
        await sims.fault(system="webshop", route=f"POST {ORDERS}", hang=True)
        placing = asyncio.create_task(graphql(sims.http, first.url, PLACE, order_input(
            [(product.sku, 1)], "PICKUP_IN_STORE", store=PICKUP_STORE), buyer))
        await _until(lambda: held_in(shared, product.sku, PICKUP_STORE), 1)  # held, the order under way
        first.kill()
        with pytest.raises(aiohttp.ClientError):
            await placing
    await sims.clear()

    async with shared.gateway(sims.url, **lease):
        await _until(lambda: held_in(shared, product.sku, PICKUP_STORE), 0)
        await _until(lambda: journal_in(shared), [])


async def test_an_order_retried_on_the_other_replica_gets_the_first_result_and_one_write(
        sims: Sims, shared: Shared) -> None:
    product, _ = online_with_few_left(sims, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(sims).crm_id)
    order = order_input([(product.sku, 1)], "PICKUP_IN_STORE", key="retried", store=PICKUP_STORE)
    async with shared.gateway(sims.url) as a, shared.gateway(sims.url) as b:
        await sims.reset_calls()
        first = await graphql(sims.http, a.url, PLACE, order, buyer)
        again = await graphql(sims.http, b.url, PLACE, order, buyer)
        writes = (await sims.calls()).get(f"POST {ORDERS}", 0)

    assert first["data"]["placeOrder"]["userErrors"] == [] and first["data"]["placeOrder"]["order"] is not None
    assert again == first
    assert writes == 1


async def test_a_saga_left_by_a_killed_replica_is_undone_by_the_other(sims: Sims, shared: Shared) -> None:
    product, _ = online_with_few_left(sims, PICKUP_STORE)
    buyer = bearer(Role.CUSTOMER, shopper(sims).crm_id)
    lease = {"OMNIGATE_SAGA_LEASE_S": "2"}
    async with shared.gateway(sims.url, **lease) as a, shared.gateway(sims.url, **lease):
        await sims.fault(system="webshop", route=f"POST {ORDERS}", hang=True)
        placing = asyncio.create_task(graphql(sims.http, a.url, PLACE, order_input(
            [(product.sku, 1)], "PICKUP_IN_STORE", store=PICKUP_STORE), buyer))
        await _until(lambda: held_in(shared, product.sku, PICKUP_STORE), 1)  # held, the order under way
        a.kill()
        with pytest.raises(aiohttp.ClientError):
            await placing
        await sims.clear()

        await _until(lambda: held_in(shared, product.sku, PICKUP_STORE), 0)  # the other replica, still running
        await _until(lambda: journal_in(shared), [])


async def test_a_postgres_restart_loses_no_committed_hold_and_the_replicas_reconnect(
        sims: Sims, postgres: PostgresServer, tmp_path: Path) -> None:
    shared = Shared(tmp_path / "unused.sqlite3", migrated(postgres))
    product, left = few_left(sims)
    customer = bearer(Role.CUSTOMER, "003OG0000000000AAA")
    async with shared.gateway(sims.url) as a, shared.gateway(sims.url) as b:
        before = await graphql(sims.http, a.url, RESERVE, reserve_input(product.sku, 1, "before"), customer)
        assert before["data"]["reserveInStore"]["reservation"] is not None

        await asyncio.to_thread(postgres.restart)

        too_many = await graphql(sims.http, a.url, RESERVE, reserve_input(product.sku, left, "too-many"), customer)
        rest = await graphql(sims.http, b.url, RESERVE, reserve_input(product.sku, left - 1, "rest"), customer)

    assert [e["code"] for e in too_many["data"]["reserveInStore"]["userErrors"]] == ["OUT_OF_STOCK"]
    assert rest["data"]["reserveInStore"]["userErrors"] == []
    assert await held_in(shared, product.sku, STORE) == left


async def test_while_postgres_is_down_the_ledger_is_unavailable_and_serves_again_after(
        sims: Sims, postgres: PostgresServer, tmp_path: Path) -> None:
    shared = Shared(tmp_path / "unused.sqlite3", migrated(postgres))
    product, _ = few_left(sims)
    customer = bearer(Role.CUSTOMER, "003OG0000000000AAA")
    async with shared.gateway(sims.url) as gateway:
        await asyncio.to_thread(postgres.pause)
        try:
            down = await graphql(sims.http, gateway.url, RESERVE, reserve_input(product.sku, 1, "down"), customer)
        finally:
            await asyncio.to_thread(postgres.resume)
        up = await graphql(sims.http, gateway.url, RESERVE, reserve_input(product.sku, 1, "up"), customer)

    assert down["data"] is None, down  # reserveInStore is non-null: its error nulls the whole answer
    assert [(e["extensions"]["code"], e["extensions"].get("source")) for e in down["errors"]] == [
        ("UPSTREAM_UNAVAILABLE", "ledger")]
    assert up["data"]["reserveInStore"]["userErrors"] == []


async def _until(read: Any, expected: object, timeout_s: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while (found := await read()) != expected:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.2)
