"""`omnigate serve` in a process of its own, on simulators this test runs: what a race between replicas or a
`kill -9` needs, which the in-process stack cannot give."""

import asyncio
import signal
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from simulators.webshop.wp import SHOP_TZ

from .harness import JWT_SECRET
from .processes import OMNIGATE, ROOT, environment, free_port

START_TIMEOUT_S = 60.0


@dataclass
class GatewayProcess:
    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """As the kernel's OOM killer or `kill -9` would: no shutdown hook runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def settings_for(sim_url: str, ledger: Path, port: int) -> dict[str, str]:
    return {
        **{f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in ("erp", "pos", "crm", "webshop")},
        "OMNIGATE_WEBSHOP_TIMEZONE": SHOP_TZ.key, "OMNIGATE_JWT_SECRET": JWT_SECRET,
        "OMNIGATE_UPSTREAM_TIMEOUT_S": "10", "OMNIGATE_PORT": str(port), "OMNIGATE_LEDGER_PATH": str(ledger),
        "OMNIGATE_AVAILABILITY_AT_START": "false",  # built on first use: no test's calls count its pages
        "OMNIGATE_AVAILABILITY_READS_PER_S": "1000"}  # the pacing spares a real POS; the simulators answer at once


@asynccontextmanager
async def gateway_process(sim_url: str, ledger: Path, **extra: str) -> AsyncIterator[GatewayProcess]:
    """Started and listening (`/healthz` 200); stopped however the test ends. `extra`: more settings."""
    port = free_port()
    # One process: the tests read its behaviour, stop it or kill -9 it as one.
    settings = {**settings_for(sim_url, ledger, port), **extra}  # `extra` may change a default of the suite's
    process = subprocess.Popen([*OMNIGATE, "serve", "--workers", "1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=environment(**settings))
    gateway = GatewayProcess(f"http://127.0.0.1:{port}", process)
    try:
        await _ready(gateway)
        yield gateway
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                gateway.kill()
        if process.stderr is not None:
            process.stderr.close()


async def _ready(gateway: GatewayProcess) -> None:
    deadline = asyncio.get_running_loop().time() + START_TIMEOUT_S
    async with aiohttp.ClientSession() as http:
        while asyncio.get_running_loop().time() < deadline:
            if gateway.process.poll() is not None:
                raise AssertionError(f"the gateway exited: {gateway.process.stderr.read().decode()[-2000:]}"
                                     if gateway.process.stderr else "the gateway exited")
            try:
                async with http.get(f"{gateway.url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("the gateway did not become ready in time")
