"""The CRM simulator's front door: credentials, the token call, size limits, unknown resources, faults."""

from collections.abc import AsyncIterator
from typing import Any, cast

import aiohttp
import pytest

from connectors.credentials import Credentials
from simulators.control import Faults
from simulators.crm.simulator import CrmSimulator
from simulators.world import World
from tests.test_sim_crm_support import API, CrmClient, running

QUERY = "SELECT Id FROM Contact LIMIT 1"
SESSION_INVALID = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
NOT_BEARER = [{"message": "INVALID_HEADER_TYPE", "errorCode": "INVALID_AUTH_HEADER"}]
CLIENT = {"grant_type": "client_credentials", "client_id": "omnigate", "client_secret": "s3cret"}


@pytest.fixture
async def crm(world: World) -> AsyncIterator[CrmClient]:
    async with running(world) as client:
        yield client


@pytest.mark.parametrize(("headers", "body"), [
    ({}, SESSION_INVALID),
    ({"Authorization": "Bearer not-the-token"}, SESSION_INVALID),
    ({"Authorization": "Bearer"}, SESSION_INVALID),
    ({"Authorization": "Basic b21uaWdhdGU6ZGVtbw=="}, NOT_BEARER),
])
async def test_a_missing_or_wrong_credential_is_401(crm: CrmClient, headers: dict[str, str],
                                                    body: list[dict[str, str]]) -> None:
    status, answer = await crm.call("GET", "/query", params={"q": QUERY}, headers=headers, auth=False)

    assert (status, answer) == (401, body)


async def test_the_legacy_oauth_scheme_is_accepted(crm: CrmClient) -> None:
    status, _ = await crm.call("GET", "/query", params={"q": QUERY}, headers={"Authorization": "OAuth demo-crm-token"},
                               auth=False)

    assert status == 200


async def test_the_token_call_hands_out_the_configured_token(world: World) -> None:
    sim = CrmSimulator(world, Credentials(crm_token="rotated-token"))
    instance = await sim.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{instance}/services/oauth2/token", data=CLIENT) as response:
                token = await response.json()
            async with session.get(f"{token['instance_url']}{API}/query", params={"q": QUERY},
                                   headers={"Authorization": f"{token['token_type']} {token['access_token']}"}) as used:
                status = used.status
    finally:
        await sim.stop()

    assert response.status == 200
    assert (token["access_token"], token["instance_url"], token["token_type"]) == ("rotated-token", instance, "Bearer")
    assert {"issued_at", "id", "signature"} <= set(token)
    assert status == 200


async def test_the_token_call_refuses_another_grant(crm: CrmClient) -> None:
    async with crm.session.post(f"{crm.instance}/services/oauth2/token",
                                data={**CLIENT, "grant_type": "password"}) as response:
        body = await response.json()

    assert (response.status, body["error"]) == (400, "unsupported_grant_type")


async def test_an_uri_over_16384_bytes_is_414_and_big_headers_431(crm: CrmClient) -> None:
    long_query = f"SELECT Id FROM Contact WHERE LastName = '{'x' * 3990}'" + " AND LastName = 'y'" * 700

    uri_status, uri_body = await crm.query(long_query)
    header_status, _ = await crm.call("GET", "/query", params={"q": QUERY},
                                      headers={f"X-Padding-{n}": "p" * 6000 for n in range(3)})

    assert (uri_status, header_status) == (414, 431)
    assert isinstance(uri_body, str)


async def test_an_unknown_resource_is_404_and_a_wrong_method_405_in_json(crm: CrmClient) -> None:
    missing = await crm.call("GET", "/sobjects/Contact/describe/layouts/x/y")
    wrong_method = await crm.call("DELETE", "/composite/sobjects")

    assert missing == (404, [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
    assert wrong_method[0] == 405 and wrong_method[1][0]["errorCode"] == "METHOD_NOT_ALLOWED"


async def test_injected_failures_speak_salesforce(crm: CrmClient) -> None:
    crm.sim.control.set_faults("crm", Faults(error_rate=1.0))
    failing = await crm.query(QUERY)
    crm.sim.control.set_faults("crm", Faults(down=True))
    down = await crm.query(QUERY)

    assert failing[0] == 500 and failing[1][0]["errorCode"] == "UNKNOWN_EXCEPTION"
    assert "Please include this ErrorId" in failing[1][0]["message"]
    assert down[0] == 503 and "<html>" in down[1]


async def test_calls_are_counted_per_route(world: World, crm: CrmClient) -> None:
    await crm.query(QUERY)
    await crm.call("GET", f"/sobjects/Contact/{world.customers[0].crm_id}")
    await crm.call("GET", f"/sobjects/Contact/{world.customers[1].crm_id}")

    routes = cast(dict[str, Any], crm.sim.control.stats()["systems"])["crm"]["routes"]

    assert routes == {f"GET /crm{API}/query": 1, f"GET /crm{API}/sobjects/{{sObject}}/{{id}}": 2}
