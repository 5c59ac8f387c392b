"""A simulator served from a background thread, for the vendors' own synchronous (requests) clients.

Those clients block the calling thread, so the server runs its own event loop in a daemon thread.
Some clients only speak HTTPS (simple-salesforce builds `https://<host>/services/...` whatever URL
it is given): `tls=True` serves a certificate from a throwaway CA, whose file the client trusts.
"""

import asyncio
import ssl
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import trustme
from aiohttp import web

from simulators.control import MAX_LINE_SIZE

HOST = "127.0.0.1"
T = TypeVar("T")


@dataclass(frozen=True)
class Served:
    url: str  # scheme, host and port, no path
    ca_file: str | None  # what a client must trust to verify the server's certificate (with `tls`)


@contextmanager
def serving(app: web.Application, *, tls: bool = False) -> Iterator[Served]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(app, shutdown_timeout=1.0, max_line_size=MAX_LINE_SIZE)
    try:
        if not tls:
            yield Served(_run(loop, _start(runner, None)), None)
            return
        authority = trustme.CA()
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(HOST).configure_cert(server_context)
        with authority.cert_pem.tempfile() as ca_file:
            yield Served(_run(loop, _start(runner, server_context)), ca_file)
    finally:
        _run(loop, _stop(runner))
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def _start(runner: web.AppRunner, context: ssl.SSLContext | None) -> str:
    await runner.setup()
    await web.TCPSite(runner, HOST, 0, ssl_context=context).start()
    scheme = "https" if context else "http"
    return f"{scheme}://{HOST}:{runner.addresses[0][1]}"


async def _stop(runner: web.AppRunner) -> None:
    """Cleans up, then aborts the connections left: a TLS one waits for its peer's close_notify, which a
    client still holding its socket (in a traceback, say) never sends."""
    left = [handler.transport for handler in runner.server.connections] if runner.server else []
    await runner.cleanup()
    for transport in left:
        if transport is not None:
            transport.abort()
    await asyncio.sleep(0)  # an aborted socket is closed on the next loop turn


def _run(loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result(30)
