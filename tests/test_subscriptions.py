"""GraphQL subscriptions over WebSocket on /graphql: live events reach those who may see them, re-read under the
rules of queries; the refusals, with their codes."""


import pytest

from gateway.schema.relay import global_id
from tests.harness import Stack
from tests.subscribers import LEGACY_WS, TRANSPORT_WS, subscribed, until_streams, ws_url
from tests.test_gateway_appointments import STORE, request, staff

APPOINTMENTS = """
subscription Requests($store: ID!) {
  appointmentRequests(storeId: $store) { kind occurredAt appointment { id status topic store { code } } }
}"""


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_an_appointment_requested_with_the_apps_token_reaches_the_stores_staff(stack: Stack,
                                                                                     protocol: str) -> None:
    async with subscribed(ws_url(stack.gateway_url), APPOINTMENTS, {"store": global_id("Store", STORE)},
                          init=staff(STORE), protocol=protocol) as staff_sees:
        await until_streams(stack.app, 1, staff_sees)
        payload = await request(stack)
        event = await staff_sees.next(timeout_s=1.0)
    appointment = payload["appointment"]
    assert event == {"appointmentRequests": {
        "kind": "CREATED", "occurredAt": event["appointmentRequests"]["occurredAt"],
        "appointment": {"id": appointment["id"], "status": "REQUESTED", "topic": appointment["topic"],
                        "store": {"code": STORE}}}}
