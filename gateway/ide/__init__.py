"""GraphiQL from the gateway's own files, in development only: the page fetches nothing from outside.

The composition root calls `add_ide` unless in production, so production has
neither the page nor its files.
"""

from collections.abc import Sequence

from aiohttp import web

from .assets import load_assets
from .page import HeaderPreset, render_page

__all__ = ["HeaderPreset", "add_ide", "ide_response"]

# Only our own origin: the browser itself refuses anything else the page or GraphiQL might ask for.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_PAGE_KEY = web.AppKey("ide_page", str)


def add_ide(app: web.Application, presets: Sequence[HeaderPreset] = ()) -> None:
    assets = load_assets()
    app[_PAGE_KEY] = render_page(assets, presets)
    assets.add_route(app)


def ide_response(request: web.Request) -> web.Response:
    """Not stored by the browser: the page may hold the demo's credentials."""
    return web.Response(text=request.app[_PAGE_KEY], content_type="text/html", headers={
        "Cache-Control": "no-store", "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Referrer-Policy": "no-referrer"})
