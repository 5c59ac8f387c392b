"""The simulators and the gateway, each in processes of their own on 127.0.0.1, stopped whatever happens."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from .principals import JWT_SECRET
from .procfs import family

SYSTEMS = ("erp", "pos", "crm", "webshop")
# shared caches off: every entry expires at once, so each request reads the back offices (bench/latency.py)
SHARED_CACHES_OFF = {f"OMNIGATE_{kind}_TTL_S": "0.000001" for kind in ("CATALOG", "PRICE", "STOCK")}
OPERATION_CACHE_OFF = {"OMNIGATE_OPERATION_CACHE_SIZE": "0"}
RESPONSE_CACHE_OFF = {"OMNIGATE_RESPONSE_CACHE_MB": "0"}
BATCHING_OFF = {"OMNIGATE_BATCH_MAX_KEYS": "1"}  # every key its own upstream call (the caches stay on)


@dataclass(frozen=True)
class Running:
    """A started service: its URL and its root process (the parent of any workers)."""

    url: str
    process: "subprocess.Popen[bytes]"

    @property
    def pids(self) -> list[int]:
        """The root and every worker under it, read afresh (a pre-fork parent's workers are its children)."""
        return family(self.process.pid)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_for(url: str, timeout_s: float = 120.0) -> None:
    """Until `url` answers 200 (a world of the default scale takes seconds to build)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(timeout_s / 0.1)):
            try:
                async with http.get(url) as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing answered 200 at {url} within {timeout_s:.0f} s")


def stop(process: "subprocess.Popen[bytes]") -> None:
    """SIGTERM (a pre-fork parent forwards it to its workers), then SIGKILL past 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@asynccontextmanager
async def simulators(scale: str, seed: int, latency_ms: int) -> AsyncIterator[Running]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gateway", "simulate", "--port", str(port), "--scale", scale,
                                "--seed", str(seed), "--latency-ms", str(latency_ms)],
                               # a caller that gives up mid-request (a load run's end) is logged as a traceback
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_for(f"{url}/_sim/stats")
        yield Running(url, process)
    finally:
        stop(process)


def gateway_environ(sim_url: str, keys_file: Path, port: int, extra: dict[str, str]) -> dict[str, str]:
    """As bench/operation_cache.py sets it: every limit a benchmark client would trip lifted (the rate limits
    too: the load generator is one address, where shoppers are thousands), nothing built in the background that
    would count in the upstream calls, no traces exported; admission control sized for 50 clients of slow back
    offices (its defaults, 8 running and 16 waiting, refuse most of c=50 at once)."""
    return {**os.environ, **{f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in SYSTEMS},
            "OMNIGATE_JWT_SECRET": JWT_SECRET, "OMNIGATE_API_KEYS_FILE": str(keys_file),
            "OMNIGATE_PORT": str(port), "OMNIGATE_UPSTREAM_TIMEOUT_S": "10",
            "OMNIGATE_MAX_CONNECTIONS_PER_CLIENT": "0", "OMNIGATE_PRICE_AUDIT_AT_START": "false",
            "OMNIGATE_RATE_LIMITS": "anonymous=0,customer=0,kiosk=0,partner=0,staff=0",
            "OMNIGATE_LEDGER_PATH": str(keys_file.parent / f"ledger-{port}.sqlite3"),
            "OMNIGATE_MAX_IN_FLIGHT": "64", "OMNIGATE_ADMISSION_QUEUE": "64", "OMNIGATE_ADMISSION_WAIT_S": "30",
            "OTEL_TRACES_EXPORTER": "none", **extra}


@asynccontextmanager
async def gateway(sim_url: str, keys_file: Path, workers: int, extra: dict[str, str],
                  traced: bool = False) -> AsyncIterator[Running]:
    """`omnigate serve --workers N`; `traced`: one process exporting every span to memory (bench/tracing.py)."""
    port = free_port()
    command = (["-m", "bench.compare.traced_gateway"] if traced
               else ["-m", "gateway", "serve", "--workers", str(workers)])
    process = subprocess.Popen([sys.executable, *command], env=gateway_environ(sim_url, keys_file, port, extra),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_for(f"{url}/readyz")
        yield Running(url, process)
    finally:
        stop(process)
