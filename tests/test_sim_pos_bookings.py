"""POS simulator, appointments: the Bookings API seeded from the world, and the seller's answers."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from simulators.world import Booking, DemoStore, World

from .test_sim_pos_support import CATALOG_SEARCH, Json, Pos, error_of, running_pos

BOOKINGS = "/v2/bookings"
PROFILES = "/v2/bookings/team-member-booking-profiles"
SERVICES = {"object_types": ["ITEM"],
            "query": {"exact_query": {"attribute_name": "product_type", "attribute_value": "APPOINTMENTS_SERVICE"}}}


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def window(world: World) -> dict[str, str]:
    """A 31-day window that holds every seeded booking (they lie within three weeks of the world's date)."""
    start = world.now - timedelta(days=10)
    return {"start_at_min": stamp(start), "start_at_max": stamp(start + timedelta(days=31))}


@pytest.fixture
async def pos(world: World) -> AsyncIterator[Pos]:
    async with running_pos(world) as running:
        yield running


@pytest.fixture
def store(world: World) -> DemoStore:
    return next(s for s in world.stores if s.active and "APPOINTMENTS" in s.services)


@pytest.fixture
async def service(pos: Pos) -> Json:
    """The first service variation, as the catalog lists it."""
    _, body = await pos.post(CATALOG_SEARCH, SERVICES)
    variation: Json = body["objects"][0]["item_data"]["variations"][0]
    return variation


async def team_of(pos: Pos, store: DemoStore) -> list[str]:
    _, body = await pos.get(PROFILES, {"location_id": store.code})
    return [p["team_member_id"] for p in body["team_member_booking_profiles"]]


async def new_booking(pos: Pos, store: DemoStore, service: Json, key: str = "b-7", days: int = 3,
                      **extra: object) -> tuple[int, Json]:
    team = await team_of(pos, store)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    return await pos.post(BOOKINGS, {"idempotency_key": key, "booking": {
        "location_id": store.code, "start_at": stamp(start), "customer_note": "Bring the bike",
        "appointment_segments": [{"team_member_id": team[0], "service_variation_id": service["id"],
                                  "service_variation_version": service["version"]}], **extra}})


# ---------------------------------------------------------------- ListBookings / RetrieveBooking

async def test_seeded_bookings_are_listed_page_by_page(pos: Pos, world: World) -> None:
    # given
    params = window(world)
    start, end = (datetime.fromisoformat(params[k]) for k in ("start_at_min", "start_at_max"))
    expected = {b.id: b for b in world.bookings if start <= b.start_at <= end}
    # when
    bookings = await pos.walk_get(BOOKINGS, {**params, "limit": "5"}, "bookings")
    # then
    assert [b["id"] for b in bookings] == sorted(expected, key=lambda i: (expected[i].start_at, i))
    for listed in bookings:
        seed: Booking = expected[listed["id"]]
        customer = world.customers[seed.customer_index] if seed.customer_index is not None else None
        assert (listed["status"], listed["location_id"]) == (seed.status, seed.store_code)
        assert listed.get("customer_id") == (customer.pos_customer_id if customer else None)
        assert listed["appointment_segments"][0]["team_member_id"] == seed.team_member


async def test_list_filters_by_location_customer_and_team_member(pos: Pos, world: World) -> None:
    # given
    seed = next(b for b in world.bookings
                if b.customer_index is not None and world.customers[b.customer_index].pos_customer_id)
    customer_id = world.customers[seed.customer_index].pos_customer_id  # type: ignore[index]
    params = window(world)
    # when
    at_store = await pos.walk_get(BOOKINGS, {**params, "location_id": seed.store_code}, "bookings")
    of_customer = await pos.walk_get(BOOKINGS, {**params, "customer_id": customer_id or ""}, "bookings")
    with_member = await pos.walk_get(BOOKINGS, {**params, "team_member_id": seed.team_member}, "bookings")
    # then
    assert seed.id in {b["id"] for b in at_store} and {b["location_id"] for b in at_store} == {seed.store_code}
    assert seed.id in {b["id"] for b in of_customer} and {b["customer_id"] for b in of_customer} == {customer_id}
    assert seed.id in {b["id"] for b in with_member}
    assert all(b["appointment_segments"][0]["team_member_id"] == seed.team_member for b in with_member)


async def test_list_refuses_a_long_window_and_a_big_page(pos: Pos, world: World) -> None:
    # given
    start = world.now
    long_window = {"start_at_min": stamp(start), "start_at_max": stamp(start + timedelta(days=32))}
    # when
    too_long = await pos.get(BOOKINGS, long_window)
    too_big = await pos.get(BOOKINGS, {"limit": "101"})
    too_small = await pos.get(BOOKINGS, {"limit": "0"})
    # then
    assert (too_long[0], error_of(too_long[1])["code"]) == (400, "INVALID_VALUE")
    assert (too_big[0], error_of(too_big[1])["code"]) == (400, "VALUE_TOO_HIGH")
    assert (too_small[0], error_of(too_small[1])["code"]) == (400, "VALUE_TOO_LOW")


async def test_one_booking_by_id_and_an_unknown_one(pos: Pos, world: World) -> None:
    # given
    seed = world.bookings[0]
    # when
    status, body = await pos.get(f"{BOOKINGS}/{seed.id}")
    missing_status, missing = await pos.get(f"{BOOKINGS}/NOPE")
    # then
    assert status == 200 and body["booking"]["id"] == seed.id and body["booking"]["status"] == seed.status
    assert (missing_status, error_of(missing)["code"]) == (404, "NOT_FOUND")


async def test_team_member_profiles_cover_the_seeded_staff(pos: Pos, world: World) -> None:
    # when
    profiles = await pos.walk_get(PROFILES, {"limit": "7"}, "team_member_booking_profiles")
    # then
    ids = [p["team_member_id"] for p in profiles]
    assert len(ids) == len(set(ids)) and {b.team_member for b in world.bookings} <= set(ids)


# ---------------------------------------------------------------- CreateBooking

async def test_create_then_read_and_list_it(pos: Pos, store: DemoStore, service: Json) -> None:
    # when
    status, body = await new_booking(pos, store, service)
    booking = body["booking"]
    _, read = await pos.get(f"{BOOKINGS}/{booking['id']}")
    listed = await pos.walk_get(BOOKINGS, {"location_id": store.code}, "bookings")
    # then
    assert status == 200 and (booking["status"], booking["version"]) == ("PENDING", 0)
    assert booking["appointment_segments"][0]["duration_minutes"] > 0
    assert read["booking"] == booking and booking["id"] in {b["id"] for b in listed}


async def test_create_is_idempotent_per_key(pos: Pos, store: DemoStore, service: Json) -> None:
    # given
    first_status, first = await new_booking(pos, store, service, key="same")
    # when
    retry_status, retry = await new_booking(pos, store, service, key="same")
    other_status, other = await new_booking(pos, store, service, key="same", days=4)
    # then
    assert (first_status, retry_status) == (200, 200) and retry == first
    assert (other_status, error_of(other)["code"]) == (400, "IDEMPOTENCY_KEY_REUSED")


async def test_create_checks_time_staff_service_store_and_customer(pos: Pos, world: World, store: DemoStore,
                                                                   service: Json) -> None:
    # given
    closed = next(s for s in world.stores if "APPOINTMENTS" not in s.services)
    stale = {**service, "version": service["version"] - 1}
    # when
    past = await new_booking(pos, store, service, key="past", days=-1)
    stranger = await new_booking(pos, store, service, key="who", appointment_segments=[{
        "team_member_id": "TM-NOBODY", "service_variation_id": service["id"],
        "service_variation_version": service["version"]}])
    old_version = await new_booking(pos, store, stale, key="stale")
    elsewhere = await new_booking(pos, store, service, key="where", location_id=closed.code)
    nobody = await new_booking(pos, store, service, key="nobody", customer_id="NO-SUCH-CUSTOMER")
    # then
    for status, body in (past, stranger, old_version, elsewhere, nobody):
        assert (status, error_of(body)["code"]) == (400, "INVALID_VALUE")


# ---------------------------------------------------------------- UpdateBooking / CancelBooking

async def test_update_checks_the_version_and_keeps_the_location(pos: Pos, store: DemoStore, service: Json) -> None:
    # given
    _, created = await new_booking(pos, store, service)
    path = f"{BOOKINGS}/{created['booking']['id']}"
    later = stamp(datetime.now(UTC).replace(microsecond=0) + timedelta(days=5))
    # when
    status, updated = await pos.call("PUT", path, {"idempotency_key": "u-1", "booking": {
        "version": 0, "start_at": later, "customer_note": "Rescheduled"}})
    stale = await pos.call("PUT", path, {"idempotency_key": "u-2", "booking": {"version": 0, "customer_note": "x"}})
    moved = await pos.call("PUT", path, {"idempotency_key": "u-3", "booking": {"location_id": "ELSEWHERE"}})
    _, read = await pos.get(path)
    # then
    assert status == 200 and updated["booking"]["version"] == 1
    assert (updated["booking"]["start_at"], updated["booking"]["customer_note"]) == \
        (later.replace("Z", ".000Z"), "Rescheduled")
    assert (stale[0], error_of(stale[1])["code"]) == (409, "CONFLICT")
    assert (moved[0], error_of(moved[1])["code"]) == (400, "INVALID_VALUE")
    assert read["booking"] == updated["booking"]


async def test_cancel_by_the_customer(pos: Pos, store: DemoStore, service: Json) -> None:
    # given
    _, created = await new_booking(pos, store, service)
    path = f"{BOOKINGS}/{created['booking']['id']}/cancel"
    # when
    stale = await pos.post(path, {"idempotency_key": "c-0", "booking_version": 3})
    status, cancelled = await pos.post(path, {"idempotency_key": "c-1", "booking_version": 0})
    retry = await pos.post(path, {"idempotency_key": "c-1", "booking_version": 0})
    again = await pos.post(path, {"idempotency_key": "c-2"})
    # then
    assert (stale[0], error_of(stale[1])["code"]) == (409, "CONFLICT")
    assert status == 200
    assert (cancelled["booking"]["status"], cancelled["booking"]["version"]) == ("CANCELLED_BY_CUSTOMER", 1)
    assert retry == (200, cancelled)
    assert again[0] == 400 and error_of(again[1])["category"] == "INVALID_REQUEST_ERROR"


async def test_update_and_cancel_of_an_unknown_booking_are_not_found(pos: Pos) -> None:
    # when
    update = await pos.call("PUT", f"{BOOKINGS}/NOPE", {"booking": {"version": 0}})
    cancel = await pos.post(f"{BOOKINGS}/NOPE/cancel", {})
    # then
    assert (update[0], error_of(update[1])["code"]) == (404, "NOT_FOUND")
    assert (cancel[0], error_of(cancel[1])["code"]) == (404, "NOT_FOUND")


# ---------------------------------------------------------------- the seller's answer

async def test_the_seller_accepts_outside_the_api(pos: Pos, store: DemoStore, service: Json) -> None:
    # given
    _, created = await new_booking(pos, store, service)
    booking_id = created["booking"]["id"]
    # when
    answered = pos.sim.set_booking_status(booking_id, "ACCEPTED")
    _, read = await pos.get(f"{BOOKINGS}/{booking_id}")
    # then
    assert (read["booking"]["status"], read["booking"]["version"]) == ("ACCEPTED", 1)
    assert answered == read["booking"]
    with pytest.raises(ValueError):
        pos.sim.set_booking_status(booking_id, "MAYBE")
    with pytest.raises(KeyError):
        pos.sim.set_booking_status("NOPE", "DECLINED")
