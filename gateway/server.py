"""Runs the gateway until SIGINT or SIGTERM."""

import asyncio
import signal
from collections.abc import Callable, Sequence

from aiohttp import web

from .app import build_app
from .http.listener import start
from .ide import HeaderPreset
from .observability.logs import configure_logging
from .settings import Settings

SHUTDOWN_TIMEOUT_S = 5.0


def serve(settings: Settings, on_ready: Callable[[], None] | None = None,
          ide_presets: Sequence[HeaderPreset] = (), reuse_port: bool = False) -> None:
    """Logs go to stderr at INFO (audit lines included), as `OMNIGATE_LOG_FORMAT` says, unless the host configured
    logging already. `reuse_port`: one of `omnigate serve --workers N`'s workers (see gateway/workers.py)."""
    configure_logging(settings.logs_as)
    asyncio.run(_serve(build_app(settings, ide_presets, shared_port=reuse_port), settings, on_ready, reuse_port))


async def _serve(app: web.Application, settings: Settings, on_ready: Callable[[], None] | None,
                 reuse_port: bool) -> None:
    runner = await start(app, settings, SHUTDOWN_TIMEOUT_S, reuse_port)
    try:
        print(f"omnigate listening on http://{settings.host}:{settings.port} ({settings.env})", flush=True)
        if on_ready:
            on_ready()
        await _until_signalled()
    finally:
        await runner.cleanup()


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stopping in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stopping, stop.set)
    await stop.wait()
