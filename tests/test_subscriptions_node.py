"""The `graphql-ws` npm client (what the store console and the apps use) subscribes to Omnigate: an appointment
request reaches the store's staff; a customer is refused with FORBIDDEN, a bad token closes the socket 4403."""

import asyncio
from typing import Any

from gateway.appkeys import LIVE_KEY
from gateway.schema.relay import global_id
from tests.harness import Stack
from tests.node_clients import node, run_script
from tests.subscribers import until, ws_url
from tests.test_gateway_appointments import STORE, request, staff
from tests.test_gateway_reservations import customer
from tests.test_subscriptions import APPOINTMENTS


def job(stack: Stack, params: dict[str, str], count: int = 1) -> dict[str, Any]:
    return {"url": ws_url(stack.gateway_url), "document": APPOINTMENTS, "count": count,
            "variables": {"store": global_id("Store", STORE)}, "connectionParams": params}


async def test_an_appointment_request_reaches_staff_through_the_graphql_ws_client(stack: Stack) -> None:
    node()
    following = asyncio.create_task(run_script("subscribe.mjs", job(stack, staff(STORE))))
    await until(lambda: stack.app[LIVE_KEY].open_streams == 1 or following.done(), timeout_s=30)
    made = (await request(stack))["appointment"]
    outcome = await following
    [result] = outcome["results"]
    assert outcome["ended"] is None
    assert result["data"]["appointmentRequests"]["kind"] == "CREATED"
    assert result["data"]["appointmentRequests"]["appointment"]["id"] == made["id"]


async def test_the_graphql_ws_client_sees_the_refusals(stack: Stack) -> None:
    node()
    refused = await run_script("subscribe.mjs", job(stack, customer()))
    bad_token = await run_script("subscribe.mjs", job(stack, {"Authorization": "Bearer nope"}))
    assert refused == {"results": [], "ended": {"codes": ["FORBIDDEN"]}}
    assert bad_token["results"] == [] and bad_token["ended"]["closeCode"] == 4403
