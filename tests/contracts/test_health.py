"""The Health contract, run against every back office: an answer, refused credentials, and an outage."""

from typing import cast

import pytest

from connectors.errors import UpstreamAuthFailed, UpstreamUnavailable
from connectors.ports import Health
from simulators.control import Faults

from .conftest import Upstream, implementation


@pytest.fixture(params=["erp", "pos", "crm", "webshop"])
def upstream(request: pytest.FixtureRequest) -> Upstream[Health]:
    return cast(Upstream[Health], implementation(request))


async def test_check_answers_with_one_authenticated_read(upstream: Upstream[Health]) -> None:
    await upstream.adapter.check()

    assert upstream.adapter.system is upstream.system
    assert upstream.calls() == 1


async def test_refused_credentials_are_an_auth_failure_naming_the_system(upstream: Upstream[Health]) -> None:
    with pytest.raises(UpstreamAuthFailed) as caught:
        await upstream.refused.check()

    assert (caught.value.system, caught.value.status) == (upstream.system.value, 401)


@pytest.mark.parametrize("faults", [Faults(down=True), Faults(error_rate=1.0)], ids=["down", "erroring"])
async def test_a_failing_system_is_unavailable_naming_it(upstream: Upstream[Health], faults: Faults) -> None:
    upstream.control.set_faults(upstream.system.value, faults)

    with pytest.raises(UpstreamUnavailable) as caught:
        await upstream.adapter.check()

    assert caught.value.system == upstream.system.value
