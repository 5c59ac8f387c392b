"""Each back office's simulator with our adapter on it, so one contract suite per port can run against
every implementation of that port (as strawberry runs one HTTP suite over every integration)."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import aiohttp
import pytest

from connectors.credentials import DEMO_CREDENTIALS
from connectors.crm.adapter import CrmAdapter
from connectors.domain import System
from connectors.erp.adapter import ErpAdapter
from connectors.ledger.store import LedgerPorts, open_ledger
from connectors.pos.adapter import PosAdapter
from connectors.webshop.adapter import WebshopAdapter
from simulators.base import Simulator
from simulators.control import Control
from simulators.crm.simulator import CrmSimulator
from simulators.erp.simulator import ErpSimulator
from simulators.pos.simulator import PosSimulator
from simulators.webshop.simulator import WebshopSimulator
from simulators.webshop.wp import SHOP_TZ
from simulators.world import World

A = TypeVar("A")
TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Upstream(Generic[A]):
    """One implementation under test: the adapter, one refused for its credentials, and the simulator's knobs."""

    system: System
    adapter: A
    refused: A
    control: Control
    url: str  # the simulator's base URL, for reading what a write left there

    def route_calls(self, route: str) -> int:
        """Requests to one route ("METHOD /system/pattern", as the stats name it)."""
        stats: dict[str, dict[str, dict[str, int]]] = self.control.stats()["systems"]  # type: ignore[assignment]
        return int(stats[self.system.value]["routes"].get(route, 0))

    def calls(self) -> int:
        stats: dict[str, dict[str, int]] = self.control.stats()["systems"]  # type: ignore[assignment]
        return int(stats[self.system.value]["total"])


async def _running(sim: Simulator, connect: Callable[[str, bool], A], system: System) -> AsyncIterator[Upstream[A]]:
    url = await sim.start()
    try:
        yield Upstream(system, connect(url, True), connect(url, False), sim.control, url)
    finally:
        await sim.stop()


@pytest.fixture
async def erp(world: World, session: aiohttp.ClientSession) -> AsyncIterator[Upstream[ErpAdapter]]:
    def connect(url: str, good: bool) -> ErpAdapter:
        password = DEMO_CREDENTIALS.erp_password if good else "not-the-password"
        return ErpAdapter.connect(session, url, DEMO_CREDENTIALS.erp_user, password, timeout_s=TIMEOUT_S,
                                  sales_org="1010", distribution_channel="10", delisted_statuses=("DL",),
                                  today=lambda: world.as_of)
    async for upstream in _running(ErpSimulator(world), connect, System.ERP):
        yield upstream


@pytest.fixture
async def pos(world: World, session: aiohttp.ClientSession) -> AsyncIterator[Upstream[PosAdapter]]:
    def connect(url: str, good: bool) -> PosAdapter:
        token = DEMO_CREDENTIALS.pos_token if good else "not-the-token"
        return PosAdapter.connect(session, url, token, timeout_s=TIMEOUT_S, clock=lambda: world.now)
    async for upstream in _running(PosSimulator(world, clock=lambda: world.now), connect, System.POS):
        yield upstream


@pytest.fixture
async def crm(world: World, session: aiohttp.ClientSession) -> AsyncIterator[Upstream[CrmAdapter]]:
    def connect(url: str, good: bool) -> CrmAdapter:
        return CrmAdapter.connect(session, url, DEMO_CREDENTIALS.crm_token if good else "not-the-token",
                                  timeout_s=TIMEOUT_S)
    async for upstream in _running(CrmSimulator(world), connect, System.CRM):
        yield upstream


@pytest.fixture
async def webshop(world: World, session: aiohttp.ClientSession) -> AsyncIterator[Upstream[WebshopAdapter]]:
    def connect(url: str, good: bool) -> WebshopAdapter:
        secret = DEMO_CREDENTIALS.webshop_secret if good else "cs_wrong"
        return WebshopAdapter.connect(session, url, DEMO_CREDENTIALS.webshop_key, secret, timeout_s=TIMEOUT_S,
                                      shop_timezone=SHOP_TZ.key)
    async for upstream in _running(WebshopSimulator(world), connect, System.WEBSHOP):
        yield upstream


def implementation(request: pytest.FixtureRequest) -> Upstream[object]:
    """The running upstream a port fixture's parameter names (`erp`, `pos`, `crm`, `webshop`)."""
    upstream: Upstream[object] = request.getfixturevalue(request.param)
    upstream.control.reset_stats()
    return upstream


@pytest.fixture(params=["sqlite", "postgres"])
async def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LedgerPorts]:
    """Omnigate's own state in each of its stores: the SQLite file, and a fresh PostgreSQL database (migrated)."""
    url = request.getfixturevalue("postgres").new_database() if request.param == "postgres" else None
    async with open_ledger(tmp_path / "ledger.sqlite3", url) as ports:
        yield ports
