"""Simulators that outlive the gateway: a gateway on a fixed loopback port (its public URL) that a test stops and
starts again while the simulators keep changing and pushing, as a gap in deliveries needs."""

import asyncio
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from connectors.credentials import DEMO_CREDENTIALS
from connectors.http import basic_auth
from gateway.app import build_app
from gateway.appkeys import READINESS_KEY
from gateway.http.listener import start
from gateway.settings import Settings, load_settings
from simulators.host import SimulatorHost
from simulators.webshop.wp import SHOP_TZ
from simulators.world import World

from .harness import JWT_SECRET
from .processes import free_port

FAST_GIVE_UP = {"retry_delays_s": [0.05], "give_up_after_s": 0.3, "timeout_s": 1.0}


@dataclass(frozen=True)
class Kept:
    """An inbox row: the event, whether it was delivered (not read back), whether it was processed."""

    event_id: str
    type: str
    delivered: bool
    processed: bool


@dataclass
class Estate:
    world: World
    sim_url: str
    http: aiohttp.ClientSession
    ledger: Path
    port: int = field(default_factory=free_port)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environ(self) -> dict[str, str]:
        """The gateway's settings, as `omnigate` reads them from the environment."""
        return {**{f"OMNIGATE_{s.upper()}_URL": f"{self.sim_url}/{s}" for s in ("erp", "pos", "crm", "webshop")},
                "OMNIGATE_WEBSHOP_TIMEZONE": SHOP_TZ.key, "OMNIGATE_JWT_SECRET": JWT_SECRET,
                "OMNIGATE_UPSTREAM_TIMEOUT_S": "10", "OMNIGATE_REQUEST_DEADLINE_S": "30",
                "OMNIGATE_PORT": str(self.port), "OMNIGATE_LEDGER_PATH": str(self.ledger),
                "OMNIGATE_PRICE_AUDIT_AT_START": "false", "OMNIGATE_PUBLIC_URL": self.public_url, **self.extra}

    def settings(self) -> Settings:
        return load_settings(self.environ())

    async def sim(self, method: str, path: str, body: object = None) -> Any:
        """A call to the simulators (`/_sim/...` or an API path with the demo credentials); asserts a 2xx."""
        headers = basic_auth(DEMO_CREDENTIALS.webshop_key, DEMO_CREDENTIALS.webshop_secret) \
            if path.startswith("/webshop") else {"Authorization": f"Bearer {DEMO_CREDENTIALS.pos_token}"}
        async with self.http.request(method, f"{self.sim_url}{path}", json=body, headers=headers) as r:
            assert 200 <= r.status < 300, f"{method} {path}: {r.status} {await r.text()}"
            return await r.json()

    async def settled(self, system: str) -> list[dict[str, Any]]:
        """The system's delivery log once nothing is being delivered or waiting to retry."""
        for _ in range(400):
            log = await self.sim("GET", f"/_sim/{system}/webhooks/deliveries")
            if log["pending"] == 0:
                return list(log["deliveries"])
            await asyncio.sleep(0.05)
        raise AssertionError(f"{system} deliveries still pending")

    def kept(self, system: str) -> list[Kept]:
        """The inbox as the ledger file holds it, oldest received first."""
        with closing(sqlite3.connect(f"file:{self.ledger}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT event_id, type, delivered, processed_us IS NOT NULL FROM webhook_inbox "
                              "WHERE system = ? ORDER BY seq", (system,)).fetchall()
        return [Kept(str(i), str(t), bool(d), bool(p)) for i, t, d, p in rows]

    async def graphql(self, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
                      ) -> dict[str, Any]:
        async with self.http.post(f"{self.public_url}/graphql", json={"query": query, "variables": variables},
                                  headers=headers or {}) as r:
            body: dict[str, Any] = await r.json()
            assert r.status == 200, body
            return body


@asynccontextmanager
async def estate(world: World, **extra: str) -> AsyncIterator[Estate]:
    host = SimulatorHost(world)
    sim_url = await host.start()
    folder = tempfile.TemporaryDirectory()
    try:
        async with aiohttp.ClientSession() as http:
            yield Estate(world, sim_url, http, Path(folder.name) / "ledger.sqlite3", extra=dict(extra))
    finally:
        await host.stop()
        folder.cleanup()


@asynccontextmanager
async def gateway(estate: Estate) -> AsyncIterator[web.Application]:
    """The gateway serving on the estate's port until the block ends (then stopped as SIGTERM would)."""
    settings = estate.settings()
    app = build_app(settings)
    runner = await start(app, settings, shutdown_timeout_s=1.0)
    try:
        await until(lambda: _warmed(app), "the gateway's warming did not finish")
        yield app
    finally:
        await runner.cleanup()


async def _warmed(app: web.Application) -> bool:
    return app[READINESS_KEY].warmed


async def until(check: Callable[[], Awaitable[bool]], failure: str, timeout_s: float = 20.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(failure)
