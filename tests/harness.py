"""The whole stack on 127.0.0.1 for end-to-end tests: simulators, the gateway, and a client of both."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from connectors.demo_data import World
from connectors.sim.host import SimulatorHost
from connectors.webshop.wp import SHOP_TZ
from gateway.app import REFERENCE_KEY, build_app
from gateway.settings import load_settings


@dataclass
class Stack:
    world: World
    sim_url: str
    gateway_url: str
    http: aiohttp.ClientSession
    app: web.Application

    async def graphql(self, query: str, variables: dict[str, Any] | None = None,
                      headers: dict[str, str] | None = None) -> dict[str, Any]:
        """The response body; asserts the HTTP status is 200."""
        async with self.http.post(f"{self.gateway_url}/graphql", json={"query": query, "variables": variables or {}},
                                  headers=headers) as r:
            body: dict[str, Any] = await r.json()
            assert r.status == 200, body
            return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a response that must have no error."""
        body = await self.graphql(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def calls(self) -> dict[str, int]:
        """Upstream calls since the last reset, per "METHOD /route"."""
        async with self.http.get(f"{self.sim_url}/_sim/stats") as r:
            stats = await r.json()
        return {route: n for system in stats["systems"].values() for route, n in system["routes"].items()}

    async def reset_calls(self) -> None:
        async with self.http.post(f"{self.sim_url}/_sim/stats/reset"):
            pass

    async def fault(self, **faults: Any) -> None:
        async with self.http.post(f"{self.sim_url}/_sim/faults", json=faults) as r:
            assert r.status == 200

    async def warm(self) -> None:
        """Loads the shared reference data (store index, crosswalk) so call counts show one request's work."""
        reference = self.app[REFERENCE_KEY]
        await reference.stores.get()
        await reference.crosswalk.get()


@asynccontextmanager
async def running_stack(world: World) -> AsyncIterator[Stack]:
    """Simulators, then the gateway wired to them; both stopped whatever happens."""
    host = SimulatorHost(world)
    sim_url = await host.start()
    runner: web.AppRunner | None = None
    try:
        urls = {f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in ("erp", "pos", "crm", "webshop")}
        settings = load_settings(urls | {"OMNIGATE_WEBSHOP_TIMEZONE": SHOP_TZ.key})
        app = build_app(settings)
        runner = web.AppRunner(app, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        async with aiohttp.ClientSession() as http:
            yield Stack(world, sim_url, f"http://127.0.0.1:{runner.addresses[0][1]}", http, app)
    finally:
        if runner is not None:
            await runner.cleanup()
        await host.stop()
