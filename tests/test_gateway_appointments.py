"""Appointments over HTTP: a customer requests one (Square CreateBooking), staff answer it (the ledger, and
CancelBooking for a decline), everyone sees the same status at once; exact userErrors; who may."""

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.auth.principals import Role
from gateway.schema.relay import global_id, parse_global_id
from tests.harness import Stack, api_key, bearer
from tests.test_gateway_reservations import OTHER, OWNER, customer

REQUEST = """
mutation Request($input: AppointmentInput!) {
  requestAppointment(input: $input) {
    appointment { id status topic channel requestedFor product { sku } store { code } }
    userErrors { field code message }
  }
}"""
RESPOND = """
mutation Respond($id: ID!, $accept: Boolean!) {
  respondToAppointment(id: $id, accept: $accept) { appointment { id status channel } userErrors { field code } }
}"""
MINE = "{ me { appointments { id status channel topic } } }"
OVERDUE = "query($store: ID) { overdueAppointments(storeId: $store) { id status } }"
PENDING = "query($store: ID) { pendingAppointments(storeId: $store) { id status respondBy store { code } } }"
NODE = "query($id: ID!) { node(id: $id) { ... on Appointment { id status channel } } }"
STORE = "PAR01"  # takes appointments; the first kiosk's store
ELSEWHERE = "LYO01"  # takes appointments too
NO_SERVICE = "MAR01"  # does not
BOOK = "POST /pos/v2/bookings"
POS = {"Authorization": "Bearer demo-pos-token"}
TWO_CUSTOMERS = """
query Two($a: ID!, $b: ID!) {
  a: customer(id: $a) { appointments { id status channel } }
  b: customer(id: $b) { appointments { id status channel } }
}"""


def staff(store: str | None = STORE) -> dict[str, str]:
    return bearer(Role.STAFF, f"staff-of-{store}", store=store)


def opening(stack: Stack, code: str = STORE, days: int = 3, closed: bool = False) -> str:
    """An hour after the store opens on its first opening day `days` ahead (its own time zone); with `closed`,
    that day at 03:00 local time, when no store is open."""
    store = stack.world.store_by_code[code]
    zone = ZoneInfo(store.timezone)
    start = datetime.now(zone).date() + timedelta(days=days)
    for day in (start + timedelta(days=n) for n in range(7)):
        for period in (p for p in store.hours if p.weekday == day.weekday()):
            opens = time.fromisoformat(period.opens)
            at = datetime.combine(day, time(3) if closed else opens, zone) + (timedelta() if closed else
                                                                               timedelta(hours=1))
            return at.isoformat()
    raise AssertionError(f"{code} never opens")


def request_input(stack: Stack, key: str = "a1", **changes: Any) -> dict[str, Any]:
    base = {"idempotencyKey": key, "storeId": global_id("Store", STORE), "topic": "Bike fitting for my son",
            "requestedFor": opening(stack)}
    return {"input": {**base, **changes}}


async def request(stack: Stack, headers: dict[str, str] | None = None, **kwargs: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await stack.data(REQUEST, request_input(stack, **kwargs),
                                                customer() if headers is None else headers))["requestAppointment"]
    return payload


async def respond(stack: Stack, appointment: str, accept: bool, headers: dict[str, str] | None = None
                  ) -> dict[str, Any]:
    body = await stack.data(RESPOND, {"id": appointment, "accept": accept}, staff() if headers is None else headers)
    payload: dict[str, Any] = body["respondToAppointment"]
    return payload


async def in_pos(stack: Stack, appointment: str) -> dict[str, Any]:
    """The booking as Square's API shows it, read straight from the simulator."""
    booking_id = parse_global_id(appointment, "Appointment")[1]
    async with stack.http.get(f"{stack.sim_url}/pos/v2/bookings/{booking_id}", headers=POS) as r:
        assert r.status == 200
        booking: dict[str, Any] = (await r.json())["booking"]
    return booking


async def mine(stack: Stack, crm_id: str = OWNER) -> dict[str, dict[str, Any]]:
    found = (await stack.data(MINE, headers=customer(crm_id)))["me"]["appointments"]
    return {a["id"]: a for a in found}


async def test_a_customer_requests_one_and_sees_it_at_once_everywhere(stack: Stack) -> None:
    sku = stack.world.products[0].sku
    when = opening(stack)

    payload = await request(stack, sku=sku, requestedFor=when)

    assert payload["userErrors"] == []
    appointment = payload["appointment"]
    assert {k: v for k, v in appointment.items() if k != "id"} == {
        "status": "REQUESTED", "topic": "Bike fitting for my son", "channel": "MOBILE_APP",
        "requestedFor": datetime.fromisoformat(when).astimezone(UTC).isoformat(), "product": {"sku": sku},
        "store": {"code": STORE}}
    assert (await mine(stack))[appointment["id"]] == {
        "id": appointment["id"], "status": "REQUESTED", "channel": "MOBILE_APP", "topic": "Bike fitting for my son"}
    booking = await in_pos(stack, appointment["id"])
    assert booking["status"] == "PENDING" and booking["location_id"] == STORE
    assert datetime.fromisoformat(booking["start_at"]) == datetime.fromisoformat(when)
    node = (await stack.data(NODE, {"id": appointment["id"]}, staff()))["node"]
    assert node == {"id": appointment["id"], "status": "REQUESTED", "channel": "MOBILE_APP"}


async def test_a_retried_key_books_once_and_answers_the_first_appointment(stack: Stack) -> None:
    first = await request(stack, key="same")
    again = await request(stack, key="same")
    other = await request(stack, key="same", topic="Something else")
    theirs = await request(stack, customer(OTHER), key="same")

    assert first["userErrors"] == [] and again == first
    assert other == {"appointment": None, "userErrors": [{
        "field": ["input", "idempotencyKey"], "code": "CONFLICT",
        "message": "this idempotencyKey was used for another request"}]}
    assert theirs["userErrors"] == [] and theirs["appointment"]["id"] != first["appointment"]["id"]
    assert (await stack.calls())[BOOK] == 2  # the owner's once, the other customer's once


async def test_bad_input_is_reported_on_its_field_and_books_nothing(stack: Stack) -> None:
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    cases: list[tuple[dict[str, Any], list[str], str]] = [
        ({"key": ""}, ["input", "idempotencyKey"], "INVALID"),
        ({"storeId": "not-an-id"}, ["input", "storeId"], "INVALID"),
        ({"storeId": global_id("Product", "X")}, ["input", "storeId"], "INVALID"),
        ({"storeId": global_id("Store", "NOWHERE1")}, ["input", "storeId"], "NOT_FOUND"),
        ({"storeId": global_id("Store", NO_SERVICE), "requestedFor": opening(stack, NO_SERVICE)},
         ["input", "storeId"], "SERVICE_NOT_OFFERED"),
        ({"requestedFor": past}, ["input", "requestedFor"], "INVALID"),
        ({"requestedFor": opening(stack, closed=True)}, ["input", "requestedFor"], "INVALID"),
        ({"requestedFor": opening(stack, days=70)}, ["input", "requestedFor"], "INVALID"),
        ({"requestedFor": opening(stack)[:19]}, ["input", "requestedFor"], "INVALID"),  # no UTC offset
        ({"topic": "  "}, ["input", "topic"], "INVALID"),
        ({"topic": "x" * 201}, ["input", "topic"], "INVALID"),
        ({"sku": "NO-SUCH-SKU"}, ["input", "sku"], "NOT_FOUND"),
    ]
    for index, (changes, field, code) in enumerate(cases):
        changes.setdefault("key", f"bad-{index}")
        payload = await request(stack, **changes)
        assert payload["appointment"] is None, changes
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], changes
    assert BOOK not in await stack.calls()


async def test_only_a_signed_in_customer_may_request(stack: Stack) -> None:
    for headers in ({}, api_key(stack.keys.partner), api_key(stack.keys.kiosk), staff(), staff(None)):
        body = await stack.graphql(REQUEST, request_input(stack), headers)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", headers
    assert BOOK not in await stack.calls()


async def test_staff_accept_once_and_the_customer_sees_it_confirmed(stack: Stack) -> None:
    appointment = (await request(stack))["appointment"]["id"]
    confirmed = {"appointment": {"id": appointment, "status": "CONFIRMED", "channel": "MOBILE_APP"},
                 "userErrors": []}

    assert await respond(stack, appointment, True) == confirmed
    assert await respond(stack, appointment, True) == confirmed
    declined = await respond(stack, appointment, False)

    assert declined == {**confirmed, "userErrors": [{"field": ["id"], "code": "CONFLICT"}]}
    assert (await mine(stack))[appointment]["status"] == "CONFIRMED"
    assert (await in_pos(stack, appointment))["status"] == "PENDING"  # read-only in Square's API


async def test_a_decline_frees_the_slot_in_the_pos_and_a_retry_is_done_already(stack: Stack) -> None:
    appointment = (await request(stack))["appointment"]["id"]
    await stack.reset_calls()

    first = await respond(stack, appointment, False, staff(None))  # staff without a store answer anywhere
    again = await respond(stack, appointment, False)

    declined = {"appointment": {"id": appointment, "status": "DECLINED", "channel": "MOBILE_APP"}, "userErrors": []}
    assert first == again == declined
    assert (await stack.calls())["POST /pos/v2/bookings/{booking_id}/cancel"] == 1
    assert (await in_pos(stack, appointment))["status"].startswith("CANCELLED")
    assert (await mine(stack))[appointment]["status"] == "DECLINED"
    accepted = await respond(stack, appointment, True)
    assert accepted == {**declined, "userErrors": [{"field": ["id"], "code": "CONFLICT"}]}


async def test_a_cancellation_in_the_pos_wins_over_an_acceptance(stack: Stack) -> None:
    appointment = (await request(stack))["appointment"]["id"]
    await respond(stack, appointment, True)
    booking = await in_pos(stack, appointment)

    async with stack.http.post(f"{stack.sim_url}/pos/v2/bookings/{booking['id']}/cancel", headers=POS,
                               json={"idempotency_key": "by-the-customer", "booking_version": booking["version"]}
                               ) as r:
        assert r.status == 200

    assert (await mine(stack))[appointment]["status"] == "CANCELLED"
    again = await respond(stack, appointment, True)
    assert again["appointment"]["status"] == "CANCELLED"
    assert again["userErrors"] == [{"field": ["id"], "code": "CONFLICT"}]


async def test_only_staff_of_its_store_may_answer(stack: Stack) -> None:
    appointment = (await request(stack))["appointment"]["id"]
    refused: tuple[dict[str, str], ...] = (
        customer(), customer(OTHER), staff(ELSEWHERE), api_key(stack.keys.kiosk), api_key(stack.keys.partner), {})
    for headers in refused:
        body = await stack.graphql(RESPOND, {"id": appointment, "accept": True}, headers)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", headers
    assert (await mine(stack))[appointment]["status"] == "REQUESTED"
    missing = await respond(stack, global_id("Appointment", "nosuchbooking"), True, staff(None))
    assert missing == {"appointment": None, "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}]}


async def test_an_answered_request_leaves_the_overdue_list(stack: Stack) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    store_of = {b.id: b.store_code for b in stack.world.bookings if b.status == "PENDING" and b.start_at > later}
    everywhere = (await stack.data(OVERDUE, {}, staff(None)))["overdueAppointments"]
    target = next(a["id"] for a in everywhere if parse_global_id(a["id"], "Appointment")[1] in store_of)
    store = store_of[parse_global_id(target, "Appointment")[1]]
    listed = (await stack.data(OVERDUE, {}, staff(store)))["overdueAppointments"]

    answered = await respond(stack, target, True, staff(store))

    assert target in [a["id"] for a in listed]
    assert answered["userErrors"] == [] and answered["appointment"]["status"] == "CONFIRMED"
    after = (await stack.data(OVERDUE, {}, staff(store)))["overdueAppointments"]
    assert [a["id"] for a in after] == [a["id"] for a in listed if a["id"] != target]


async def test_a_new_request_is_pending_at_its_store_at_once_and_leaves_when_answered(stack: Stack) -> None:
    made = (await request(stack, key="pending-1"))["appointment"]

    pending = (await stack.data(PENDING, {}, staff(STORE)))["pendingAppointments"]
    overdue = (await stack.data(OVERDUE, {}, staff(STORE)))["overdueAppointments"]
    elsewhere = await stack.graphql(PENDING, {"store": global_id("Store", STORE)}, staff(ELSEWHERE))

    assert made["id"] in [a["id"] for a in pending] and made["id"] not in [a["id"] for a in overdue]
    assert {a["status"] for a in pending} == {"REQUESTED"} and {a["store"]["code"] for a in pending} == {STORE}
    assert [a["respondBy"] for a in pending] == sorted(a["respondBy"] for a in pending)
    assert {a["id"] for a in overdue} <= {a["id"] for a in pending}
    assert elsewhere["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await respond(stack, made["id"], False, staff(STORE))
    after = (await stack.data(PENDING, {}, staff(STORE)))["pendingAppointments"]
    assert made["id"] not in [a["id"] for a in after]


async def test_answers_are_read_in_one_ledger_query_per_level(stack: Stack, exporter: InMemorySpanExporter) -> None:
    booked = list(dict.fromkeys(b.customer_index for b in stack.world.bookings if b.customer_index is not None))
    first, second = (stack.world.customers[i].crm_id for i in booked[:2])
    exporter.clear()

    data = await stack.data(TWO_CUSTOMERS, {"a": global_id("Customer", first), "b": global_id("Customer", second)},
                            staff(None))

    shown = len(data["a"]["appointments"]) + len(data["b"]["appointments"])
    reads = [s for s in exporter.get_finished_spans() if s.name == "ledger appointment_answers"]
    assert shown >= 2 and len(reads) == 1 and reads[0].attributes is not None
    assert reads[0].attributes["omnigate.batch.size"] == shown


async def test_with_the_pos_down_nothing_is_booked_and_the_key_is_not_used_up(stack: Stack) -> None:
    await stack.fault(system="pos", down=True)
    down = await request(stack, key="later")
    await stack.fault(system="pos", down=False)
    later = await request(stack, key="later")  # run again, not replayed

    assert down == {"appointment": None, "userErrors": [{
        "field": None, "code": "UPSTREAM_UNAVAILABLE", "message": "the POS did not book the appointment; retry"}]}
    assert later["userErrors"] == [] and later["appointment"]["status"] == "REQUESTED"
    assert later["appointment"]["id"] in await mine(stack)


async def test_a_decline_whose_cancel_failed_finishes_when_answered_again(stack: Stack) -> None:
    appointment = (await request(stack))["appointment"]["id"]
    cancel = "POST /pos/v2/bookings/{booking_id}/cancel"
    await stack.fault(system="pos", route=cancel, down=True)

    first = await respond(stack, appointment, False)
    await stack.fault(system="pos", route=cancel, down=False)
    still_booked = (await in_pos(stack, appointment))["status"]
    again = await respond(stack, appointment, False)

    assert first == {"appointment": {"id": appointment, "status": "DECLINED", "channel": "MOBILE_APP"},
                     "userErrors": [{"field": None, "code": "UPSTREAM_UNAVAILABLE"}]}
    assert still_booked == "PENDING"
    assert again == {**first, "userErrors": []}
    assert (await in_pos(stack, appointment))["status"].startswith("CANCELLED")
