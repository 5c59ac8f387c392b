"""Runs the gateway until SIGINT or SIGTERM."""

from collections.abc import Callable

from aiohttp import web

from .app import build_app
from .settings import Settings


def serve(settings: Settings, on_ready: Callable[[], None] | None = None) -> None:
    def announce(_: str) -> None:
        print(f"omnigate listening on http://{settings.host}:{settings.port} ({settings.env})", flush=True)
        if on_ready:
            on_ready()

    web.run_app(build_app(settings), host=settings.host, port=settings.port, print=announce,
                shutdown_timeout=5.0, access_log=None)
