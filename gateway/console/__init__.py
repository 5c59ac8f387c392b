"""The store console at /console: staff and kiosks answer appointment requests, hand over reservations, look
up an article or a customer, live over GraphQL subscriptions.

Every file is the gateway's own (the graphql-ws client vendored by scripts/fetch_console.sh), so the page runs
on a closed store network and under a Content-Security-Policy that allows this host only. It is served in
production too (stores run on it); only development offers the demo's credentials as sign-in presets.
"""

import re
from collections.abc import Mapping, Sequence

from aiohttp import web

from .assets import load_assets
from .page import render_page

__all__ = ["PATH", "add_console", "content_security_policy"]

PATH = "/console"
_PAGE_KEY = web.AppKey("console_page", str)
# a Host header we can name in a policy as it is; anything else falls back to 'self' alone
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def add_console(app: web.Application, presets: Sequence[tuple[str, Mapping[str, str]]] = ()) -> None:
    assets = load_assets()
    app[_PAGE_KEY] = render_page(assets, presets)
    app.router.add_get(PATH, _page)
    app.router.add_get(PATH + "/", _to_page)
    assets.add_route(app)


def content_security_policy(host: str) -> str:
    """Only this origin. connect-src names the WebSocket origins of this host too, which CSP2 browsers do not
    count as 'self'."""
    sockets = f" ws://{host} wss://{host}" if _HOST.fullmatch(host) else ""
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


async def _page(request: web.Request) -> web.Response:
    """Not stored: the page may hold the demo's credentials, and a new release names new files."""
    return web.Response(text=request.app[_PAGE_KEY], content_type="text/html", headers={
        "Cache-Control": "no-store", "Content-Security-Policy": content_security_policy(request.host),
        "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"})


async def _to_page(request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently(PATH)
