"""POS simulator, reference data: credentials, error shape, Locations and Catalog, over real HTTP."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from simulators.control import Faults
from simulators.world import APPOINTMENT_SERVICES, World

from .test_sim_pos_support import CATALOG_SEARCH, TOKEN, Pos, error_of, running_pos

LOCATIONS = "/v2/locations"
CATALOG_BATCH = "/v2/catalog/batch-retrieve"
CATALOG_INFO = "/v2/catalog/info"
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
ENDPOINTS = (
    ("GET", "/v2/locations"), ("GET", "/v2/locations/PAR01"), ("POST", "/v2/catalog/search"),
    ("POST", "/v2/catalog/batch-retrieve"), ("GET", "/v2/catalog/info"),
    ("POST", "/v2/inventory/counts/batch-retrieve"), ("POST", "/v2/inventory/changes/batch-create"),
    ("POST", "/v2/orders/search"), ("POST", "/v2/orders/batch-retrieve"), ("POST", "/v2/customers/search"),
    ("POST", "/v2/customers/bulk-retrieve"), ("GET", "/v2/customers/C0000"), ("POST", "/v2/loyalty/accounts/search"),
    ("POST", "/v2/bookings"), ("GET", "/v2/bookings"),
    ("GET", "/v2/bookings/BK000000"), ("PUT", "/v2/bookings/BK000000"), ("POST", "/v2/bookings/BK000000/cancel"),
    ("GET", "/v2/bookings/team-member-booking-profiles"),
)
BAD_CREDENTIALS: tuple[dict[str, str], ...] = (
    {}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer"},
)


def by_upc(*gtins: str, **extra: Any) -> dict[str, Any]:
    return {"object_types": ["ITEM_VARIATION"],
            "query": {"set_query": {"attribute_name": "upc", "attribute_values": list(gtins)}}, **extra}


@pytest.fixture
async def pos(world: World) -> AsyncIterator[Pos]:
    async with running_pos(world) as running:
        yield running


# ---------------------------------------------------------------- credentials and errors

@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
async def test_every_endpoint_refuses_a_missing_or_wrong_token(pos: Pos, method: str, path: str) -> None:
    for headers in BAD_CREDENTIALS:
        # when
        status, body = await pos.call(method, path, {}, headers=headers)
        # then
        assert status == 401
        error = error_of(body)
        assert (error["category"], error["code"]) == ("AUTHENTICATION_ERROR", "UNAUTHORIZED")


async def test_square_version_is_echoed_or_the_pinned_one_is_used(pos: Pos) -> None:
    # when
    async with pos.session.get(pos.url + LOCATIONS, headers={"Authorization": f"Bearer {TOKEN}",
                                                            "Square-Version": "2024-01-18"}) as asked:
        echoed = asked.headers["Square-Version"]
    async with pos.session.get(pos.url + LOCATIONS, headers={"Authorization": f"Bearer {TOKEN}"}) as plain:
        pinned = plain.headers["Square-Version"]
    # then
    assert (echoed, pinned) == ("2024-01-18", "2025-08-20")


@pytest.mark.parametrize("payload", [b"{nope", b"[]", b"", b"\xff\xfe{}", b"[" * 100_000])
async def test_a_body_that_is_not_a_json_object_is_refused(pos: Pos, payload: bytes) -> None:
    # when
    async with pos.session.post(pos.url + CATALOG_SEARCH, data=payload,
                                headers={"Authorization": f"Bearer {TOKEN}"}) as response:
        status, body = response.status, await response.json()
    # then
    assert (status, error_of(body)["code"]) == (400, "EXPECTED_JSON_BODY")


async def test_an_unknown_path_is_answered_in_square_shape_without_our_prefix(pos: Pos) -> None:
    # when
    status, body = await pos.get("/v2/nothing-here")
    # then
    assert status == 404
    error = error_of(body)
    assert error["code"] == "NOT_FOUND" and "/pos" not in error["detail"]


async def test_injected_faults_use_the_square_error_shape(pos: Pos) -> None:
    # given
    pos.sim.control.set_faults("pos", Faults(down=True))
    # when
    status, body = await pos.get(LOCATIONS)
    # then
    assert status == 503
    assert (error_of(body)["category"], error_of(body)["code"]) == ("API_ERROR", "SERVICE_UNAVAILABLE")


# ---------------------------------------------------------------- locations

async def test_locations_are_the_world_stores_ordered_by_name(pos: Pos, world: World) -> None:
    # when
    status, body = await pos.get(LOCATIONS)
    # then
    assert status == 200 and "cursor" not in body
    locations = body["locations"]
    assert [loc["name"] for loc in locations] == sorted(s.name for s in world.stores)
    for loc in locations:
        store = world.store_by_code[loc["id"]]
        assert loc["status"] == ("ACTIVE" if store.active else "INACTIVE")
        assert (loc["timezone"], loc["phone_number"], loc["currency"]) == (store.timezone, store.phone, "EUR")
        assert loc["coordinates"] == {"latitude": store.latitude, "longitude": store.longitude}
        assert loc["address"] == {"address_line_1": store.street, "locality": store.city,
                                  "postal_code": store.postal_code, "country": "FR"}
        assert loc["description"] == "Services: " + ", ".join(store.services)
        periods = {(p["day_of_week"], p["start_local_time"], p["end_local_time"])
                   for p in loc["business_hours"]["periods"]}
        assert periods == {(DAYS[h.weekday], h.opens + ":00", h.closes + ":00") for h in store.hours}


async def test_one_location_by_id_and_an_unknown_one(pos: Pos, world: World) -> None:
    # given
    store = world.stores[3]
    # when
    status, body = await pos.get(f"{LOCATIONS}/{store.code}")
    missing_status, missing = await pos.get(f"{LOCATIONS}/NOWHERE")
    # then
    assert status == 200 and body["location"]["id"] == store.code and body["location"]["name"] == store.name
    assert missing_status == 404
    assert (error_of(missing)["category"], error_of(missing)["code"]) == ("INVALID_REQUEST_ERROR", "NOT_FOUND")


# ---------------------------------------------------------------- catalog search

async def test_search_by_upc_finds_the_variation_with_its_pos_price_and_parent(pos: Pos, world: World) -> None:
    # given
    products = [p for p in world.products if not p.delisted][:3]
    # when
    status, body = await pos.post(CATALOG_SEARCH, by_upc(*(p.gtin for p in products), include_related_objects=True))
    # then
    assert status == 200
    by_sku = {o["item_variation_data"]["sku"]: o for o in body["objects"]}
    assert set(by_sku) == {p.sku for p in products}
    parents = {o["id"]: o for o in body["related_objects"]}
    for product in products:
        variation = by_sku[product.sku]
        data = variation["item_variation_data"]
        assert variation["type"] == "ITEM_VARIATION" and variation["is_deleted"] is False
        assert variation["id"] != product.sku and data["upc"] == product.gtin
        assert data["pricing_type"] == "FIXED_PRICING"
        assert data["price_money"] == {"amount": product.pos_price, "currency": "EUR"}
        assert parents[data["item_id"]]["item_data"]["name"] == product.name


async def test_set_and_exact_queries_match_case_insensitively(pos: Pos, world: World) -> None:
    # given
    product = next(p for p in world.products if not p.delisted)
    set_query = {"object_types": ["ITEM_VARIATION"],
                 "query": {"set_query": {"attribute_name": "sku", "attribute_values": [product.sku.lower()]}}}
    exact_query = {"object_types": ["ITEM_VARIATION"],
                   "query": {"exact_query": {"attribute_name": "sku", "attribute_value": product.sku.lower()}}}
    # when
    _, by_set = await pos.post(CATALOG_SEARCH, set_query)
    _, by_exact = await pos.post(CATALOG_SEARCH, exact_query)
    # then
    assert [o["item_variation_data"]["sku"] for o in by_set["objects"]] == [product.sku]
    assert by_exact["objects"] == by_set["objects"]


async def test_a_set_query_over_250_values_or_combined_is_refused(pos: Pos, world: World) -> None:
    # given
    gtins = [p.gtin for p in world.products[:251]]
    combined = by_upc(gtins[0])
    combined["query"]["exact_query"] = {"attribute_name": "sku", "attribute_value": world.products[0].sku}
    # when
    too_many_status, too_many = await pos.post(CATALOG_SEARCH, by_upc(*gtins))
    at_limit_status, _ = await pos.post(CATALOG_SEARCH, by_upc(*gtins[:250]))
    combined_status, combined_body = await pos.post(CATALOG_SEARCH, combined)
    # then
    assert (too_many_status, error_of(too_many)["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert at_limit_status == 200
    assert combined_status == 400 and error_of(combined_body)["category"] == "INVALID_REQUEST_ERROR"


async def test_delisted_products_are_deleted_objects(pos: Pos, world: World) -> None:
    # given
    gone = next(p for p in world.products if p.delisted)
    # when
    _, hidden = await pos.post(CATALOG_SEARCH, by_upc(gone.gtin))
    _, shown = await pos.post(CATALOG_SEARCH, by_upc(gone.gtin, include_deleted_objects=True))
    _, batch = await pos.post(CATALOG_BATCH, {"object_ids": [shown["objects"][0]["id"]]})
    # then
    assert hidden == {"latest_time": hidden["latest_time"]}
    assert shown["objects"][0]["is_deleted"] is True and shown["objects"][0]["item_variation_data"]["sku"] == gone.sku
    assert batch["objects"] == shown["objects"]


async def test_paging_walks_every_variation_once(pos: Pos, world: World) -> None:
    # when
    objects = await pos.walk(CATALOG_SEARCH, {"object_types": ["ITEM_VARIATION"], "limit": 97}, "objects")
    # then
    ids = [o["id"] for o in objects]
    assert len(ids) == len(set(ids))
    skus = {o["item_variation_data"].get("sku") for o in objects} - {None}
    assert skus == {p.sku for p in world.products if not p.delisted}
    assert len(objects) == len(skus) + len(APPOINTMENT_SERVICES)


async def test_an_out_of_range_limit_is_ignored_not_refused(pos: Pos) -> None:
    # when
    status, body = await pos.post(CATALOG_SEARCH, {"object_types": ["ITEM_VARIATION"], "limit": 5000})
    # then
    assert status == 200 and len(body["objects"]) == 100 and "cursor" in body


async def test_a_forged_or_misused_cursor_is_refused(pos: Pos) -> None:
    # given
    query = {"object_types": ["ITEM_VARIATION"], "limit": 10}
    _, first = await pos.post(CATALOG_SEARCH, query)
    # when
    forged_status, forged = await pos.post(CATALOG_SEARCH, {**query, "cursor": first["cursor"][:-2] + "AA"})
    garbage_status, garbage = await pos.post(CATALOG_SEARCH, {**query, "cursor": "not a cursor!"})
    other_status, other = await pos.post(CATALOG_SEARCH, {"object_types": ["ITEM"], "cursor": first["cursor"]})
    # then
    for status, body in ((forged_status, forged), (garbage_status, garbage), (other_status, other)):
        assert (status, error_of(body)["code"]) == (400, "INVALID_CURSOR")


async def test_appointment_services_are_service_items(pos: Pos) -> None:
    # when
    status, body = await pos.post(CATALOG_SEARCH, {
        "object_types": ["ITEM"],
        "query": {"exact_query": {"attribute_name": "product_type", "attribute_value": "APPOINTMENTS_SERVICE"}}})
    # then
    assert status == 200
    services = {o["item_data"]["name"]: o["item_data"]["variations"][0] for o in body["objects"]}
    assert {name: v["item_variation_data"]["service_duration"] for name, v in services.items()} == \
        {name: minutes * 60_000 for name, minutes in APPOINTMENT_SERVICES}


# ---------------------------------------------------------------- catalog batch retrieve and info

async def test_batch_retrieve_keeps_order_omits_unknown_and_adds_parents(pos: Pos, world: World) -> None:
    # given
    products = [p for p in world.products if not p.delisted][:2]
    _, found = await pos.post(CATALOG_SEARCH, by_upc(*(p.gtin for p in products)))
    ids = [o["id"] for o in found["objects"]][::-1]
    # when
    status, body = await pos.post(CATALOG_BATCH, {"object_ids": [ids[0], "UNKNOWN", ids[1]],
                                                  "include_related_objects": True})
    # then
    assert status == 200
    assert [o["id"] for o in body["objects"]] == ids
    assert {o["id"] for o in body["related_objects"]} == {o["item_variation_data"]["item_id"] for o in body["objects"]}


async def test_batch_retrieve_refuses_over_1000_ids_and_needs_ids(pos: Pos) -> None:
    # when
    over_status, over = await pos.post(CATALOG_BATCH, {"object_ids": [f"X{n}" for n in range(1001)]})
    at_status, at_limit = await pos.post(CATALOG_BATCH, {"object_ids": [f"X{n}" for n in range(1000)]})
    none_status, none = await pos.post(CATALOG_BATCH, {})
    # then
    assert (over_status, error_of(over)["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert (at_status, at_limit) == (200, {})
    assert (none_status, error_of(none)["code"]) == (400, "MISSING_REQUIRED_PARAMETER")


async def test_catalog_info_states_the_batch_limit(pos: Pos) -> None:
    # when
    status, body = await pos.get(CATALOG_INFO)
    # then
    assert status == 200 and body["limits"]["batch_retrieve_max_object_ids"] == 1000
