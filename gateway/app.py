"""The composition root: `build_app(settings)` wires middlewares, routes, backends, security and the schema."""

import asyncio
from collections.abc import AsyncIterator, Sequence

import aiohttp
from aiohttp import web

from .appkeys import (
    ADMISSION_KEY,
    BACKENDS_KEY,
    CLOCK_KEY,
    LIVE_KEY,
    METRICS_KEY,
    PROBES_KEY,
    READINESS_KEY,
    REFERENCE_KEY,
    SECURITY_KEY,
    SETTINGS_KEY,
    SHARED_KEY,
    SHARED_PORT_KEY,
    SYSTEMS_KEY,
)
from .backends import open_backends
from .clock import Clock, seconds, utc_now
from .console import add_console
from .graphql_http import GraphQLEndpoint
from .http import health
from .http.admission import Admission
from .http.compression import compression
from .http.forwarded import client_addresses
from .http.probe_listener import ProbeListener
from .http.readiness import Readiness
from .ide import HeaderPreset, add_ide
from .live import LiveHub
from .middleware import cors, masked_errors, request_ids, server_name
from .observability.logs import observed
from .observability.metrics import Metrics, OperationNames, safelisted_names
from .observability.systems import Systems
from .observability.upstream import upstream_observer
from .reference import ReferenceData
from .schema import build_schema
from .security import build_security
from .settings import Settings
from .shared import SharedState
from .subscriptions import LiveView, upgrade_or
from .subscriptions.connection import Connections
from .telemetry import configure_tracing, server_spans, upstream_trace_config
from .webhooks import add_webhooks
from .webhooks.running import catching_up
from .writes.replay import replay_undos
from .writes.sweep import sweep_lapsed_holds
from .writes.undo import Undoer


def build_app(settings: Settings, ide_presets: Sequence[HeaderPreset] = (), clock: Clock = utc_now,
              shared_port: bool = False) -> web.Application:
    """Raises SettingsError when a configured file (keys, safelist, JWKS) cannot be used. `clock` gives each
    request its "now" (tests move it to let holds lapse). `shared_port`: one of `omnigate serve --workers N`'s
    workers, which binds the probe port with SO_REUSEPORT as the main port.

    `ide_presets` (the demo's credentials) are offered in GraphiQL, which only development has.
    """
    configure_tracing()
    shared = SharedState.of(settings)
    security = build_security(settings, *((shared.limiter, shared.documents) if shared else ()))
    metrics = Metrics(OperationNames(safelisted_names(security.persisted.safelisted), settings.metrics_operation_names))
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[
        server_spans, request_ids, observed(metrics), cors(settings.cors_origins),
        client_addresses(settings.trusted_proxies), masked_errors, compression])
    app[SETTINGS_KEY] = settings
    app[CLOCK_KEY] = clock
    app[SHARED_PORT_KEY] = shared_port
    app[SECURITY_KEY] = security
    app[METRICS_KEY] = metrics
    app[SYSTEMS_KEY] = systems = Systems()
    app[READINESS_KEY] = Readiness()
    app[ADMISSION_KEY] = Admission(settings.max_in_flight, settings.admission_queue, settings.admission_wait_s)
    app[LIVE_KEY] = live = LiveHub(shared.bus if shared else None)
    app.on_shutdown.append(lambda _: _ended(live))
    metrics.watch_systems(systems)
    if shared is not None:
        app[SHARED_KEY] = shared
        app.cleanup_ctx.append(_shared_ctx)
        metrics.watch_redis(lambda: shared.link.up)
    app.cleanup_ctx.append(_backends_ctx)
    if settings.probe_port is not None:
        app.cleanup_ctx.append(_probes_ctx)
    app.on_cleanup.append(_close_security)
    app.on_response_prepare.append(server_name)
    app.router.add_get("/healthz", health.healthz)
    app.router.add_get("/readyz", health.readyz)
    app.router.add_get("/status", health.status)
    app.router.add_get("/metrics", health.metrics)
    schema = build_schema(production=settings.is_production, sdl_access=settings.sdl_access)
    endpoint = GraphQLEndpoint(settings, schema, security.limits, seconds(clock))
    if shared is not None:
        shared.share_responses(endpoint.responses)
    connections = Connections(settings.ws_connections_per_principal)
    app.on_shutdown.append(lambda _: connections.shut(settings.request_deadline_s))  # after the hub ended streams
    app.router.add_route("GET", "/graphql", upgrade_or(endpoint.handle, LiveView(endpoint, connections)))
    app.router.add_route("POST", "/graphql", endpoint.handle)
    add_webhooks(app, endpoint.responses)
    app.cleanup_ctx.append(catching_up)  # after the processor it wakes
    if not settings.is_production:
        add_ide(app, ide_presets)
    # the store console runs in production too; the demo's credentials are offered in development only
    add_console(app, () if settings.is_production else [(p.label, p.headers) for p in ide_presets])
    return app


async def _backends_ctx(app: web.Application) -> AsyncIterator[None]:
    metrics, systems = app[METRICS_KEY], app[SYSTEMS_KEY]

    def tracing(system: str) -> list[aiohttp.TraceConfig]:
        return [upstream_trace_config(), upstream_observer(system, metrics, systems.stats_of(system))]

    async with open_backends(app[SETTINGS_KEY], tracing) as backends:
        app[BACKENDS_KEY] = backends
        systems.attach(backends.health)
        app[REFERENCE_KEY] = reference = ReferenceData(backends, app[SETTINGS_KEY], app[CLOCK_KEY],
                                                       app.get(SHARED_KEY))
        app[LIVE_KEY].on_change(reference.availability.on_change)
        warming = asyncio.create_task(_warm(reference, app[READINESS_KEY]))
        sweeping = asyncio.create_task(sweep_lapsed_holds(backends.reservations, app[CLOCK_KEY], app[LIVE_KEY],
                                                         reference.crosswalk))
        undoer = Undoer(backends.reservations, backends.web_order_changes, backends.store_sales,
                        backends.store_returns, app[CLOCK_KEY])
        replaying = asyncio.create_task(replay_undos(backends.journal, undoer, app[CLOCK_KEY]))
        yield
        background = (warming, sweeping, replaying)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await reference.stop()  # each stopped before the sessions close, so nothing fails after


async def _shared_ctx(app: web.Application) -> AsyncIterator[None]:
    """Redis watched and subscribed to from start-up; closed after the backends, whose caches write to it."""
    async with app[SHARED_KEY].running():
        yield


async def _probes_ctx(app: web.Application) -> AsyncIterator[None]:
    """The probe port's thread runs while the application does; the loop's heartbeat keeps its liveness."""
    settings = app[SETTINGS_KEY]
    probes = ProbeListener(settings.host, settings.probe_port or 0, app[READINESS_KEY], settings.liveness_stall_s,
                           app[SHARED_PORT_KEY])
    app[PROBES_KEY] = probes
    probes.start()
    beating = asyncio.create_task(probes.heartbeat())
    yield
    beating.cancel()
    await asyncio.gather(beating, return_exceptions=True)
    await asyncio.get_running_loop().run_in_executor(None, probes.stop)


async def _warm(reference: ReferenceData, readiness: Readiness) -> None:
    """Ready once warming ran, loaded or not: what failed is loaded on first use (see http/readiness.py)."""
    try:
        await reference.warm()
    finally:
        readiness.warmed = True


async def _ended(live: LiveHub) -> None:
    """Shutdown ends every open stream after what it holds, so subscriptions complete instead of breaking."""
    live.close()


async def _close_security(app: web.Application) -> None:
    await app[SECURITY_KEY].tokens.close()
