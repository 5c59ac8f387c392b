"""One aiohttp server for the four simulated back offices plus the `/_sim/` control API."""

import json
from typing import Any

from aiohttp import web

from connectors.credentials import DEMO_CREDENTIALS, Credentials
from simulators.crm.simulator import CrmSimulator
from simulators.erp.simulator import ErpSimulator
from simulators.pos.simulator import PosSimulator
from simulators.webhooks.courier import WebhookSettings
from simulators.webshop.simulator import WebshopSimulator
from simulators.world import World

from .base import Simulator
from .control import MAX_LINE_SIZE, SYSTEMS, Control, Faults

CONTROL_KEY = web.AppKey("control", Control)


class SimulatorHost:
    """Mounts ERP under /erp, POS under /pos, CRM under /crm and the web shop under /webshop."""

    def __init__(self, world: World, credentials: Credentials = DEMO_CREDENTIALS, latency_ms: int = 0,
                 identity: str | None = None, webhooks: WebhookSettings | None = None) -> None:
        """`identity` is answered on `/_sim/identity`, so the process that started this host can tell it from
        another server on the same port; `webhooks` times the POS's and the web shop's deliveries (also
        `POST /_sim/<system>/webhooks/settings`)."""
        self.world = world
        self.identity = identity
        self.control = Control(seed=world.seed, latency_ms=latency_ms)
        self.simulators: dict[str, Simulator] = {
            sim.system: sim for sim in (
                ErpSimulator(world, credentials, self.control),
                PosSimulator(world, credentials, self.control, webhooks=webhooks),
                CrmSimulator(world, credentials, self.control),
                WebshopSimulator(world, credentials, self.control, webhooks=webhooks))
        }
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app[CONTROL_KEY] = self.control
        for system, sim in self.simulators.items():
            sim_app = sim.app()
            app.add_subapp(f"/{system}", sim_app)  # prefixes the subapp's resources, as /_sim/stats names them
            self.control.learn_routes(system, frozenset(
                f"{route.method} {route.resource.canonical}" for route in sim_app.router.routes()
                if route.resource is not None))
        app.router.add_get("/_sim/stats", _stats)
        app.router.add_post("/_sim/stats/reset", _reset_stats)
        app.router.add_get("/_sim/calls", _calls)
        app.router.add_get("/_sim/faults", _get_faults)
        app.router.add_post("/_sim/faults", _set_faults)
        app.router.add_delete("/_sim/faults", _clear_faults)
        app.router.add_get("/_sim/traceparents", _traceparents)
        app.router.add_get("/_sim/identity", self._identity)
        for system, sim in self.simulators.items():
            for method, path, handler in sim.control_routes():
                app.router.add_route(method, f"/_sim/{system}{path}", handler)
        app.on_shutdown.append(self._release)
        return app

    async def _identity(self, _: web.Request) -> web.Response:
        return web.json_response({"identity": self.identity})

    async def _release(self, _: web.Application) -> None:
        self.control.release()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serves the host; returns its base URL (systems are under `/<system>`)."""
        self._runner = web.AppRunner(self.app(), shutdown_timeout=1.0, max_line_size=MAX_LINE_SIZE)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        return f"http://{host}:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            self.control.release()
            await self._runner.cleanup()
            self._runner = None


def _bad_request(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[CONTROL_KEY].stats())


async def _calls(request: web.Request) -> web.Response:
    """Each call since the last reset: system, route, start and end (the host's monotonic clock, seconds)."""
    return web.json_response({"calls": request.app[CONTROL_KEY].timeline()})


async def _reset_stats(request: web.Request) -> web.Response:
    request.app[CONTROL_KEY].reset_stats()
    return web.json_response(request.app[CONTROL_KEY].stats())


async def _get_faults(request: web.Request) -> web.Response:
    return web.json_response(request.app[CONTROL_KEY].describe_faults())


async def _set_faults(request: web.Request) -> web.Response:
    control = request.app[CONTROL_KEY]
    try:
        body: Any = await request.json()
    except json.JSONDecodeError:
        return _bad_request("body must be JSON")
    system = body.get("system") if isinstance(body, dict) else None
    if system is not None and system not in SYSTEMS:
        return _bad_request(f"unknown system {system!r}; expected one of {', '.join(SYSTEMS)}")
    route = body.get("route") if isinstance(body, dict) else None
    targets = [system] if system else list(SYSTEMS)
    try:
        if route is not None:
            if system is None:
                raise ValueError("a route fault names its system")
            route = control.check_route(system, route)
        updated = {s: Faults.parse(body, control.faults_of(s, route)) for s in targets}
    except ValueError as exc:
        return _bad_request(str(exc))
    for s, faults in updated.items():
        control.set_faults(s, faults, route)
    return web.json_response(control.describe_faults())


async def _clear_faults(request: web.Request) -> web.Response:
    request.app[CONTROL_KEY].clear_faults()
    return web.json_response(request.app[CONTROL_KEY].describe_faults())


async def _traceparents(request: web.Request) -> web.Response:
    return web.json_response({"traceparents": list(request.app[CONTROL_KEY].traceparents)})
