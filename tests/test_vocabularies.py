"""A vendor value outside the domain's vocabulary is the vendor's error, named, never an internal one."""

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from connectors.errors import UpstreamMalformed
from connectors.pos.adapter import PosAdapter
from connectors.webshop.read_orders import purchase
from gateway.schema.relay import global_id
from simulators.pos.simulator import PosSimulator
from simulators.world import World
from tests.harness import Stack, running_stack

APPOINTMENT = "query($id: ID!) { node(id: $id) { ... on Appointment { status channel } } }"
PREFERENCES = "query($id: ID!) { customer(id: $id) { preferences { preferredChannel } } }"
UNKNOWN_STATUS = "WAITLISTED"  # not one of Square's booking statuses
UNKNOWN_PICKLIST = "Carrier_Pigeon"  # not on the Preferred_Channel__c picklist
ORDER = {"id": 7, "status": "processing", "date_created_gmt": "2026-11-20T10:00:00", "currency": "EUR",
         "meta_data": [], "shipping_lines": [], "line_items": []}


@pytest.fixture(scope="module")
def odd_world(live_world: World) -> World:
    """The demo world with one booking and one customer carrying values no adapter table knows."""
    booking, *bookings = live_world.bookings
    customer, *customers = live_world.customers
    return replace(live_world, bookings=(replace(booking, status=UNKNOWN_STATUS), *bookings),
                   customers=(replace(customer, preferred_channel=UNKNOWN_PICKLIST), *customers))


@pytest.fixture
async def odd_stack(odd_world: World) -> AsyncIterator[Stack]:
    async with running_stack(odd_world) as stack:
        yield stack


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    [error] = body["errors"]
    return {"code": error["extensions"]["code"], "source": error["extensions"].get("source")}


async def test_an_unknown_booking_status_is_an_upstream_error_of_the_pos(odd_stack: Stack) -> None:
    # given a booking whose status Square has never documented
    booking_id = odd_stack.world.bookings[0].id
    # when staff read it
    body = await odd_stack.graphql(APPOINTMENT, {"id": global_id("Appointment", booking_id)})
    # then the POS is named as the source of an upstream error, not an internal one
    assert body["data"] == {"node": None}
    assert only_error(body) == {"code": "UPSTREAM_ERROR", "source": "pos"}


async def test_an_unknown_picklist_value_is_an_upstream_error_of_the_crm(odd_stack: Stack) -> None:
    customer_id = odd_stack.world.customers[0].crm_id
    body = await odd_stack.graphql(PREFERENCES, {"id": global_id("Customer", customer_id)})
    assert body["data"] == {"customer": None}
    assert only_error(body) == {"code": "UPSTREAM_ERROR", "source": "crm"}


async def test_the_pos_adapter_names_the_system_and_the_value(odd_world: World,
                                                              session: aiohttp.ClientSession) -> None:
    simulator = PosSimulator(odd_world, clock=lambda: odd_world.now)
    pos = PosAdapter.connect(session, await simulator.start(), "demo-pos-token", timeout_s=5.0)
    try:
        with pytest.raises(UpstreamMalformed) as raised:
            await pos.appointments([odd_world.bookings[0].id])
    finally:
        await simulator.stop()
    assert (raised.value.system, str(raised.value)) == ("pos", f"pos: unknown booking status {UNKNOWN_STATUS!r}")


@pytest.mark.parametrize(("change", "message"), [
    ({"status": "shipped-by-plugin"}, "webshop: unknown order status 'shipped-by-plugin'"),
    ({"meta_data": [{"key": "omnigate_channel", "value": "FAX"}]}, "webshop: unknown omnigate_channel 'FAX'"),
    ({"meta_data": [{"key": "omnigate_fulfillment", "value": "DRONE"}]},
     "webshop: unknown omnigate_fulfillment 'DRONE'"),
])
def test_the_webshop_mapping_names_the_unknown_value(change: dict[str, Any], message: str) -> None:
    with pytest.raises(UpstreamMalformed, match=message):
        purchase({**ORDER, **change})


def test_known_webshop_values_map_to_the_domain() -> None:
    order = purchase({**ORDER, "meta_data": [{"key": "omnigate_channel", "value": "KIOSK"}]})
    assert (order.status, order.channel, order.fulfillment and order.fulfillment.method) == \
        ("CONFIRMED", "KIOSK", "DELIVERY")
