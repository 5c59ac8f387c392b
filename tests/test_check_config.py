"""`omnigate check-config` looks at the back offices: a warning per URL that answers 404 or cannot be reached."""

import subprocess
from collections.abc import AsyncIterator

import pytest

from gateway.config_check import back_office_warnings
from gateway.settings import load_settings
from simulators.host import SimulatorHost
from simulators.world import World

from .processes import OMNIGATE, ROOT, environment, free_port

SYSTEMS = ("erp", "pos", "crm", "webshop")


def urls(base: str, prefixed: bool = True) -> dict[str, str]:
    return {f"OMNIGATE_{s.upper()}_URL": f"{base}/{s}" if prefixed else base for s in SYSTEMS}


@pytest.fixture
async def simulators(world: World) -> AsyncIterator[str]:
    host = SimulatorHost(world)
    yield await host.start()
    await host.stop()


async def test_the_simulators_urls_draw_no_warning(simulators: str) -> None:
    assert await back_office_warnings(load_settings(urls(simulators))) == []


async def test_a_url_that_answers_404_at_the_root_of_its_api_is_named_with_the_simulators_prefix(
        simulators: str) -> None:
    # given the simulators' address without the /<system> prefixes
    settings = load_settings(urls(simulators, prefixed=False))
    # when
    warnings = await back_office_warnings(settings)
    # then
    assert warnings == [f"OMNIGATE_{s.upper()}_URL={simulators} answers 404 at the root of its API: check the base "
                        f"URL (the simulators serve this system under /{s})" for s in SYSTEMS]


async def test_a_refused_credential_is_a_warning_of_its_own(simulators: str) -> None:
    settings = load_settings({**urls(simulators), "OMNIGATE_POS_TOKEN": "not-the-token"})
    assert await back_office_warnings(settings) == [
        f"OMNIGATE_POS_URL={simulators}/pos answers with an error "
        "(pos: HTTP 401 UNAUTHORIZED: The access token is invalid or has been revoked.)"]


def test_check_config_with_unreachable_back_offices_warns_and_exits_0() -> None:
    base = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run([*OMNIGATE, "check-config"], capture_output=True, text=True, timeout=30, cwd=ROOT,
                            env=environment(**urls(base)))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "configuration valid (development); gateway would listen on 127.0.0.1:8080\n"
    warnings = result.stderr.splitlines()
    assert [w.split(" (", 1)[0] for w in warnings] == [
        f"omnigate: warning: OMNIGATE_{s.upper()}_URL={base}/{s} cannot be reached" for s in SYSTEMS]
    assert all(f"Cannot connect to host 127.0.0.1:{base.rsplit(':', 1)[1]}" in w for w in warnings)
