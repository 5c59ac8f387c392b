"""`omnigate simulate`: build the demo world and serve the four simulators until a signal."""

import os
import socket
import sys
import time

from aiohttp import web

from connectors.credentials import Credentials, credentials_from_environ
from simulators.world import Scale, World, build_world

from .control import MAX_LINE_SIZE
from .host import SimulatorHost


def run_simulators(host: str, port: int, seed: int, scale: str, latency_ms: int = 0,
                   credentials: Credentials | None = None, identity: str | None = None) -> None:
    """Takes the port before building the world, so a taken port fails at once (OSError), not seconds later."""
    listener = _bind(host, port)
    started = time.perf_counter()
    world = build_world(seed=seed, scale=Scale[scale.upper()])
    print(f"demo world built in {time.perf_counter() - started:.2f}s: {_stores(world)}, "
          f"{len(world.products)} products, {len(world.customers)} customers (seed {seed})", flush=True)
    sim = SimulatorHost(world, credentials or credentials_from_environ(dict(os.environ)), latency_ms=latency_ms,
                        identity=identity)
    web.run_app(sim.app(), sock=listener, shutdown_timeout=1.0, access_log=None, max_line_size=MAX_LINE_SIZE,
                print=lambda _: print(f"simulators listening on http://{host}:{port}", file=sys.stdout, flush=True))


def _stores(world: World) -> str:
    """Counted as `stores { totalCount }` counts them (open ones), then the closed ones `store(id:)` still finds."""
    closed = [s.code for s in world.stores if not s.active]
    counted = f"{len(world.stores) - len(closed)} open stores"
    return f"{counted} and {len(closed)} closed ({', '.join(closed)})" if closed else counted


def _bind(host: str, port: int) -> socket.socket:
    """Bound, not yet listening: callers are refused until the server is ready, rather than left waiting."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError:
        listener.close()
        raise
    return listener
