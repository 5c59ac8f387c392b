"""Where the gateway listens: one runner and site for `omnigate serve` and the tests alike.

Header timeout: aiohttp (3.14.5, the version pyproject requires; earlier ones
may not) arms its keep-alive timer when a connection opens and again when a
response ends, and on expiry closes a connection still waiting for a request's
headers, however many bytes of them have trickled in. So `keepalive_timeout` bounds the time from connection, or
from the previous response, to complete headers; it also closes idle
keep-alive connections then. tests/test_gateway_slow_clients.py fails if a
later aiohttp stops doing so. The body's deadline is `body.read_body`'s.
"""

from aiohttp import web

from ..settings import Settings
from .connections import AdmittingSite, ClientConnections


async def start(app: web.Application, settings: Settings, shutdown_timeout_s: float,
                reuse_port: bool = False) -> web.AppRunner:
    """Serves `app` on the settings' host and port until the returned runner is cleaned up; `reuse_port`: one of
    several workers on that port (SO_REUSEPORT, the kernel spreads connections among them)."""
    runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout_s, access_log=None,
                           keepalive_timeout=settings.header_timeout_s)
    await runner.setup()
    try:
        await AdmittingSite(runner, settings.host, settings.port,
                            ClientConnections(settings.max_connections_per_client, settings.trusted_proxies),
                            reuse_port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner
