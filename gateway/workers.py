"""`omnigate serve --workers N`: a parent that runs N `serve` processes on one port and stops them together.

Each worker is `omnigate serve` bound with SO_REUSEPORT; the kernel spreads connections among them. The parent
serves nothing: it first takes the address once without SO_REUSEPORT and lets it go, so a taken port (by another
program or by another `omnigate serve`) is one line and a non-zero exit before any worker starts; so is a file
setting that cannot be used. It forwards SIGTERM and SIGINT to the workers and waits for each to drain as a single
process does.

A worker that exits on its own is not restarted: the parent stops the others and exits non-zero, so whatever
restarts a failed gateway (systemd, Kubernetes) sees the failure rather than a gateway running short of workers.
Caches, rate limits and the per-client connection limit are per worker; the ledger is shared (SQLite in WAL mode,
writes under BEGIN IMMEDIATE) and its background work leases what it takes.
"""

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

from .listening import listening
from .security import build_security
from .settings import Settings

STOP_MARGIN_S = 5.0  # a worker's drain, plus this, before the parent kills it: start-up and exit take time too
_POLL_S = 0.1


async def _bind_once(host: str, port: int) -> None:
    server = await asyncio.get_running_loop().create_server(asyncio.Protocol, host, port)
    server.close()
    await server.wait_closed()


def refuse_once(settings: Settings) -> None:
    """What every worker would refuse, refused by the parent before any starts, so it is said once: a file setting
    that cannot be used (SettingsError, as `build_app` raises it), a taken port (CannotListen)."""
    build_security(settings)
    with listening("the gateway", settings.host, settings.port):
        asyncio.run(_bind_once(settings.host, settings.port))
    if settings.probe_port is not None:
        with listening("the gateway's probes", settings.host, settings.probe_port):
            asyncio.run(_bind_once(settings.host, settings.probe_port))


def run_workers(count: int, worker_argv: Sequence[str], drain_s: float) -> int:
    """Runs `count` workers (`python -m gateway.cli` + `worker_argv`) until a signal or one of them exits; returns
    0 when all stopped cleanly on a signal, otherwise the first failing worker's status (1 if it exited 0). A worker
    still running `drain_s` + STOP_MARGIN_S after the signal is killed."""
    workers: list[subprocess.Popen[bytes]] = []
    told: list[float] = []  # when the workers were told to stop, once they were

    def stop(signum: int, _frame: FrameType | None = None) -> None:
        if not told:
            told.append(time.monotonic())
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(count):
            if not told:
                workers.append(subprocess.Popen([sys.executable, "-m", "gateway.cli", *worker_argv]))
        unasked = False
        while any(worker.poll() is None for worker in workers):
            if not told and any(worker.poll() is not None for worker in workers):
                unasked = True
                stop(signal.SIGTERM)
            if told and time.monotonic() - told[0] > drain_s + STOP_MARGIN_S:
                for worker in workers:
                    if worker.poll() is None:
                        worker.kill()
            time.sleep(_POLL_S)
        unasked = unasked or not told
        statuses = [_status(worker.wait()) for worker in workers]
        return next((status for status in statuses if status), 1 if unasked else 0)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _status(returncode: int) -> int:
    """As a shell reports it: 128 + the signal for a worker a signal ended."""
    return returncode if returncode >= 0 else 128 - returncode
