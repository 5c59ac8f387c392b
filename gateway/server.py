"""Runs the gateway until SIGINT or SIGTERM."""

import logging
from collections.abc import Callable, Sequence

from aiohttp import web

from .app import build_app
from .ide import HeaderPreset
from .settings import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def serve(settings: Settings, on_ready: Callable[[], None] | None = None,
          ide_presets: Sequence[HeaderPreset] = ()) -> None:
    """Logs go to stderr at INFO (audit lines included) unless the host configured logging already."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    def announce(_: str) -> None:
        print(f"omnigate listening on http://{settings.host}:{settings.port} ({settings.env})", flush=True)
        if on_ready:
            on_ready()

    web.run_app(build_app(settings, ide_presets), host=settings.host, port=settings.port, print=announce,
                shutdown_timeout=5.0, access_log=None)
