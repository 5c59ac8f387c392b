"""The probes on a port of their own, answered from a thread, so a busy event loop never delays them.

One expensive GraphQL document holds the event loop for tens of milliseconds, and the probes on the main
port wait their turn (bench/admission.py). This thread needs only the interpreter lock, which the loop hands
over every few milliseconds (`sys.getswitchinterval`). Liveness still means the loop turns: the loop beats a
heartbeat, and `/healthz` fails once the beat is older than `stall_s` — a wedged loop is what a liveness probe
must catch, a busy one is not.
"""

import asyncio
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .readiness import Readiness

BEAT_EVERY_S = 0.25
# How often the running thread hands over the interpreter lock (CPython's default is 5 ms). A probe needs it a
# few times (accept, read, write), each after a wait of up to this long, and a loaded machine adds its own
# scheduling delay; 1 ms keeps a probe within milliseconds. Only threads that want the lock switch: the probe
# thread sleeps in select() between probes, so GraphQL work pays next to nothing for it.
SWITCH_INTERVAL_S = 0.001


class _SharedPortServer(ThreadingHTTPServer):
    """For `omnigate serve --workers N`: every worker binds the probe port too, and a probe reaches one of them."""

    allow_reuse_port = True


class ProbeListener:
    def __init__(self, host: str, port: int, readiness: Readiness, stall_s: float, shared_port: bool = False) -> None:
        self.readiness = readiness
        self.stall_s = stall_s
        self._beat = time.monotonic()
        self._server = (_SharedPortServer if shared_port else ThreadingHTTPServer)((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="probes", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def beat(self) -> None:
        self._beat = time.monotonic()

    def live(self) -> bool:
        return time.monotonic() - self._beat < self.stall_s

    async def heartbeat(self) -> None:
        """Runs on the event loop until cancelled: each beat proves the loop got round to it."""
        while True:
            self.beat()
            await asyncio.sleep(BEAT_EVERY_S)


def _handler(probes: ProbeListener) -> type[BaseHTTPRequestHandler]:
    class Probe(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            live = probes.live()
            if self.path == "/healthz":
                self._answer(200 if live else 503, "ok" if live else "stalled")
            elif self.path == "/readyz":
                readiness = probes.readiness
                ready = live and readiness.ready
                self._answer(200 if ready else 503, readiness.word if live else "unready")
            else:
                self._answer(404, "not found")

        def _answer(self, code: int, status: str) -> None:
            body = json.dumps({"status": status}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: a probe every few seconds is not news."""

    return Probe
