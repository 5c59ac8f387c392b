"""Stores through the gateway: nearest first (checked by brute force), pages, ids, the whole basket."""

import math
from dataclasses import replace

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from simulators.world import World
from tests.direct import pos_locations, pos_sellable
from tests.harness import STAFF, Stack, api_key, bearer, running_stack

PARIS = {"latitude": 48.8566, "longitude": 2.3522}
STORES_NEAR = """
query Near($near: GeoPointInput, $radius: Float, $first: Int, $after: String, $skus: [String!]) {
  stores(near: $near, radiusKm: $radius, first: $first, after: $after, inStockSkus: $skus) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor distanceKm node { id code name timezone phone services isOpen
                                     location { latitude longitude } openingHours { day opens closes } } }
  }
}"""
STORE_AND_NODE = """
query One($id: ID!) {
  store(id: $id) { code name address { line1 postalCode city countryCode } }
  node(id: $id) { id ... on Store { code } }
}"""
MY_STORE = "{ myStore { code } }"
BY_CODE = "query($code: String!) { storeByCode(code: $code) { id code name isOpen } }"


def haversine(a: dict[str, float], b: dict[str, float]) -> float:
    p1, p2 = math.radians(a["latitude"]), math.radians(b["latitude"])
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b["longitude"] - a["longitude"]) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


async def test_stores_near_a_point_come_nearest_first_as_brute_force_says(stack: Stack) -> None:
    locations = [loc for loc in await pos_locations(stack.http, stack.sim_url) if loc["status"] == "ACTIVE"]
    expected = sorted((round(haversine(PARIS, loc["coordinates"]), 3), loc["id"]) for loc in locations
                       if haversine(PARIS, loc["coordinates"]) <= 200)
    data = await stack.data(STORES_NEAR, {"near": PARIS, "radius": 200, "first": 100})
    edges = data["stores"]["edges"]
    assert [(e["distanceKm"], e["node"]["code"]) for e in edges] == expected
    assert data["stores"]["totalCount"] == len(expected)


async def test_walking_the_pages_gives_every_store_once(stack: Stack) -> None:
    whole = (await stack.data(STORES_NEAR, {"first": 100}))["stores"]
    seen: list[str] = []
    after = None
    while True:
        page = (await stack.data(STORES_NEAR, {"first": 7, "after": after}))["stores"]
        seen += [e["node"]["code"] for e in page["edges"]]
        assert page["totalCount"] == whole["totalCount"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [e["node"]["code"] for e in whole["edges"]]
    assert len(set(seen)) == len(seen) == whole["totalCount"]


async def test_a_store_is_found_by_its_global_id_and_as_a_node(stack: Stack) -> None:
    first = (await stack.data(STORES_NEAR, {"first": 1}))["stores"]["edges"][0]["node"]
    data = await stack.data(STORE_AND_NODE, {"id": first["id"]})
    assert data["store"]["code"] == data["node"]["code"] == first["code"]
    world_store = stack.world.store_by_code[first["code"]]
    assert data["store"]["address"]["city"] == world_store.city
    assert first["openingHours"][0]["day"] == "MONDAY"


async def test_a_malformed_id_is_bad_input_and_an_unknown_one_is_null(stack: Stack) -> None:
    bad = await stack.graphql(STORE_AND_NODE, {"id": "not-an-id"})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unknown_id = "U3RvcmU6Tk9QRTAx"  # Store:NOPE01
    assert (await stack.data(STORE_AND_NODE, {"id": unknown_id})) == {"store": None, "node": None}


async def test_first_over_100_is_refused(stack: Stack) -> None:
    body = await stack.graphql(STORES_NEAR, {"first": 101})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_in_stock_skus_keeps_only_stores_that_can_sell_the_whole_basket(stack: Stack) -> None:
    products = [p for p in stack.world.products if not p.delisted][:2]
    data = await stack.data(STORES_NEAR, {"first": 100, "skus": [p.sku for p in products]})
    chosen = {e["node"]["code"] for e in data["stores"]["edges"]}
    codes = [loc["id"] for loc in await pos_locations(stack.http, stack.sim_url) if loc["status"] == "ACTIVE"]
    sellable = await pos_sellable(stack.http, stack.sim_url, [p.gtin for p in products], codes)
    expected = {c for c in codes if all(sellable.get((p.gtin, c), 0) > 0 for p in products)}
    assert chosen == expected



AGREE = """
query Agree($sku: String!, $near: GeoPointInput!) {
  stores(near: $near, radiusKm: 200, inStockSkus: [$sku], first: 100) { edges { distanceKm node { code } } }
  product(sku: $sku) { nearestAvailability(near: $near, radiusKm: 200, first: 100) { distanceKm store { code } } }
}"""


async def test_stores_near_a_point_and_nearest_availability_agree(stack: Stack) -> None:
    sku = next(p.sku for p in stack.world.products if not p.delisted)
    data = await stack.data(AGREE, {"sku": sku, "near": PARIS})
    from_stores = [(e["distanceKm"], e["node"]["code"]) for e in data["stores"]["edges"]]
    from_product = [(a["distanceKm"], a["store"]["code"]) for a in data["product"]["nearestAvailability"]]
    assert from_stores == from_product and from_stores


async def test_a_store_is_found_by_its_code_by_anyone_and_an_unknown_code_is_null(stack: Stack) -> None:
    paris = stack.world.stores[0]
    data = await stack.data(BY_CODE, {"code": paris.code}, headers={})
    assert data["storeByCode"]["code"] == paris.code
    assert data["storeByCode"]["name"] == paris.name
    assert data["storeByCode"]["id"] == global_id("Store", paris.code)
    assert await stack.data(BY_CODE, {"code": "NOPE99"}, headers={}) == {"storeByCode": None}
    assert await stack.calls() == {}  # the store directory was warm: nothing went upstream


async def test_a_malformed_store_code_is_refused_without_echoing_it(stack: Stack) -> None:
    body = await stack.graphql(BY_CODE, {"code": "PAR 01'"}, headers={})
    assert body["data"] == {"storeByCode": None}
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("Not a valid store code: 1 to 32 letters and digits", "BAD_USER_INPUT")]


async def test_a_kiosk_and_staff_of_a_store_find_their_own_store_and_others_find_none(stack: Stack) -> None:
    first, second = stack.world.stores[0].code, stack.world.stores[1].code
    customer = bearer(Role.CUSTOMER, stack.world.customers[0].crm_id)
    answers = {name: (await stack.data(MY_STORE, headers=headers))["myStore"] for name, headers in {
        "kiosk": api_key(stack.keys.kiosk), "other kiosk": api_key(stack.keys.other_kiosk),
        "staff of a store": bearer(Role.STAFF, "staff-store", store=second), "staff": STAFF,
        "customer": customer, "partner": api_key(stack.keys.partner), "anonymous": {}}.items()}
    assert answers == {"kiosk": {"code": first}, "other kiosk": {"code": second},
                       "staff of a store": {"code": second}, "staff": None, "customer": None, "partner": None,
                       "anonymous": None}


async def test_a_closed_store_is_found_by_its_code_and_says_it_is_closed(live_world: World) -> None:
    shut = replace(live_world.stores[0], active=False)
    world = replace(live_world, stores=(shut, *live_world.stores[1:]))
    async with running_stack(world) as stack:
        data = await stack.data(BY_CODE, {"code": shut.code}, headers={})
    assert data == {"storeByCode": {"id": global_id("Store", shut.code), "code": shut.code, "name": shut.name,
                                    "isOpen": False}}
