"""Runs the gateway until SIGINT or SIGTERM, then drains: what Kubernetes needs to roll or scale in a replica
without failing a request.

On the signal `/readyz` answers 503 at once (on the probe port too, which keeps answering until the end), the
listener closes so new connections are refused, idle kept-alive connections close, and the requests in flight
finish, each bounded by the request deadline; then the process exits 0. Set the pod's
`terminationGracePeriodSeconds` above the preStop pause plus `longest_drain_s`.
"""

import asyncio
import signal
from collections.abc import Callable, Sequence

from aiohttp import web

from . import gc_tuning
from .app import build_app
from .appkeys import READINESS_KEY
from .http.listener import start
from .ide import HeaderPreset
from .observability.logs import configure_logging
from .settings import Settings

# Beyond the deadline: a request's answer is written, and its body read before the deadline starts, within it.
DRAIN_MARGIN_S = 2.0


def drain_timeout_s(settings: Settings) -> float:
    """How long a stopping gateway waits for its requests in flight (aiohttp's shutdown timeout)."""
    return settings.request_deadline_s + DRAIN_MARGIN_S


def longest_drain_s(settings: Settings) -> float:
    """The bound on a drain: aiohttp waits `drain_timeout_s` for each handler, then fails the request's body and
    waits as long again before cancelling it. A request keeps its deadline, so it ends well within the first."""
    return 2 * drain_timeout_s(settings)


def serve(settings: Settings, on_ready: Callable[[], None] | None = None,
          ide_presets: Sequence[HeaderPreset] = (), reuse_port: bool = False) -> None:
    """Logs go to stderr at INFO (audit lines included), as `OMNIGATE_LOG_FORMAT` says, unless the host configured
    logging already. `reuse_port`: one of `omnigate serve --workers N`'s workers (see gateway/workers.py)."""
    configure_logging(settings.logs_as)
    gc_tuning.tune()
    asyncio.run(_serve(build_app(settings, ide_presets, shared_port=reuse_port), settings, on_ready, reuse_port))


async def _serve(app: web.Application, settings: Settings, on_ready: Callable[[], None] | None,
                 reuse_port: bool) -> None:
    runner = await start(app, settings, drain_timeout_s(settings), reuse_port)
    gc_tuning.freeze_started()
    try:
        print(f"omnigate listening on http://{settings.host}:{settings.port} ({settings.env})", flush=True)
        if on_ready:
            on_ready()
        await _until_signalled()
        app[READINESS_KEY].draining = True
    finally:
        await runner.cleanup()  # closes the listener, then waits for the requests in flight (aiohttp's shutdown)


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stopping in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stopping, stop.set)
    await stop.wait()
