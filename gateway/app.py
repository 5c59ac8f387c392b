"""The composition root: `build_app(settings)` wires routes, backends and the GraphQL view."""

import asyncio
import time
from collections.abc import AsyncIterator

from aiohttp import web

from connectors import ports
from connectors.errors import ConnectorError

from .backends import Backends, open_backends
from .reference import ReferenceData
from .settings import Settings
from .view import GatewayView

SETTINGS_KEY = web.AppKey("settings", Settings)
BACKENDS_KEY = web.AppKey("backends", Backends)
REFERENCE_KEY = web.AppKey("reference", ReferenceData)


def build_app(settings: Settings) -> web.Application:
    app = web.Application()
    app[SETTINGS_KEY] = settings
    app.cleanup_ctx.append(_backends_ctx)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    view = GatewayView(settings=settings)
    app.router.add_route("GET", "/graphql", view)
    app.router.add_route("POST", "/graphql", view)
    return app


async def _backends_ctx(app: web.Application) -> AsyncIterator[None]:
    async with open_backends(app[SETTINGS_KEY]) as backends:
        app[BACKENDS_KEY] = backends
        app[REFERENCE_KEY] = reference = ReferenceData(backends)
        warming = asyncio.create_task(reference.warm())
        yield
        warming.cancel()


async def _healthz(_: web.Request) -> web.Response:
    """The process is up and serving; says nothing about the back offices."""
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    """Ready when settings loaded (they did, or we would not run) and every upstream answers."""
    checks = await asyncio.gather(*(_check(h) for h in request.app[BACKENDS_KEY].health))
    systems = dict(checks)
    ready = all(result["ok"] for result in systems.values())
    return web.json_response({"status": "ready" if ready else "unready", "systems": systems},
                             status=200 if ready else 503)


async def _check(health: ports.Health) -> tuple[str, dict[str, object]]:
    started = time.perf_counter()
    try:
        await health.check()
    except ConnectorError as exc:
        return health.system.value, {"ok": False, "error": str(exc)}
    return health.system.value, {"ok": True, "latencyMs": round((time.perf_counter() - started) * 1000, 1)}
