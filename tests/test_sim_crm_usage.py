"""The CRM simulator's daily API allocation: `Sforce-Limit-Info` on REST responses, the 403 past it, the window."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from simulators.crm.usage import ApiUsage
from simulators.world import World
from tests.test_sim_crm_support import API, AUTH, CrmClient, running

QUERY = "SELECT Id FROM Contact LIMIT 1"
CLIENT = {"grant_type": "client_credentials", "client_id": "omnigate", "client_secret": "s3cret"}
HOUR = 3600.0


@pytest.fixture
async def crm(world: World) -> AsyncIterator[CrmClient]:
    async with running(world) as client:
        yield client


async def limit_info(crm: CrmClient, method: str, path: str, **options: Any) -> str | None:
    async with crm.session.request(method, crm.instance + path, **options) as response:
        return response.headers.get("Sforce-Limit-Info")


async def test_every_rest_response_counts_once_errors_and_composites_included(crm: CrmClient) -> None:
    # when a query, an unknown resource and a composite of two queries are called
    total = crm.sim.usage.total
    subrequests = [{"method": "GET", "referenceId": ref, "url": f"{API}/query?q=SELECT+Id+FROM+Contact"}
                   for ref in ("a", "b")]
    seen = [await limit_info(crm, "GET", f"{API}/query", params={"q": QUERY}, headers=AUTH),
            await limit_info(crm, "GET", f"{API}/nothing", headers=AUTH),
            await limit_info(crm, "POST", f"{API}/composite", headers=AUTH,
                             json={"compositeRequest": subrequests})]
    # then each answer tells the usage so far, the composite counting as one call
    assert seen == [f"api-usage=1/{total}", f"api-usage=2/{total}", f"api-usage=3/{total}"]


async def test_refused_sessions_and_the_token_call_are_not_counted(crm: CrmClient) -> None:
    unauthorized = await limit_info(crm, "GET", f"{API}/query", params={"q": QUERY})
    token = await limit_info(crm, "POST", "/services/oauth2/token", data=CLIENT)

    assert (unauthorized, token, crm.sim.usage.used) == (None, None, 0)


def test_calls_leave_the_window_after_24_hours() -> None:
    # given an allocation of two calls, both used an hour apart
    now = [0.0]
    usage = ApiUsage(total=2, clock=lambda: now[0])
    taken = [usage.take()]
    now[0] += HOUR
    taken += [usage.take(), usage.take()]
    # when the first call turns 24 hours old
    now[0] += 23 * HOUR
    # then its place is free again, and only its place
    assert taken == [True, True, False]
    assert (usage.used, usage.take(), usage.take()) == (1, True, False)
    assert usage.header() == {"Sforce-Limit-Info": "api-usage=2/2"}
