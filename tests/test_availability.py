"""Stock-filtered reads from the availability index (issue 17): right against the simulator's own counts less
the ledger's holds, changed at once by a till sale or a hold, honest while it warms, and cheap on a cold start.

The till sale reaches the index through the POS's `inventory.count.updated` webhook (the simulator pushes it to
the gateway, which publishes the new count on its live hub); a sale no event tells of is found by the interval
check (`updated_after`), with a short interval here.
"""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from connectors.domain import GeoPoint
from gateway.appkeys import BACKENDS_KEY, REFERENCE_KEY
from gateway.geo import haversine_km
from gateway.schema.relay import global_id
from simulators.world import DemoProduct, DemoStore, World
from tests.direct import POS
from tests.harness import STAFF, Stack, api_key, running_stack
from tests.test_gateway_reservations import customer, reserve
from tests.test_webhooks_live import subscribe, until

ANONYMOUS: dict[str, str] = {}
PARIS = {"latitude": 48.8566, "longitude": 2.3522}
LYON = {"latitude": 45.7640, "longitude": 4.8357}
SEARCH = """
query Search($q: String, $category: String, $after: String, $at: AvailabilityFilter) {
  searchProducts(query: $q, category: $category, first: 100, after: $after, availableAt: $at) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { sku } }
  }
}"""
# the issue's document, with the stock a shopper is shown beside each product
ISSUE_DOCUMENT = """
query Near($near: GeoPointInput!) {
  searchProducts(first: 20, availableAt: {near: $near, radiusKm: 5}) {
    totalCount edges { node { sku name nearestAvailability(near: $near, radiusKm: 5, first: 3) {
      quantity store { code } } } }
  }
}"""
IN_STORE = """query($sku: String!, $store: ID!) {
  product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } } }"""
BASKET = "query($s: [String!]) { stores(inStockSkus: $s, first: 100) { edges { node { code } } } }"
CANCEL = "mutation C($id: ID!) { cancelReservation(id: $id) { userErrors { code } } }"


def within(world: World, center: dict[str, float], radius_km: float) -> list[DemoStore]:
    point = GeoPoint(center["latitude"], center["longitude"])
    return [s for s in world.stores if s.active
            and haversine_km(point, GeoPoint(s.latitude, s.longitude)) <= radius_km]


async def walk(stack: Stack, variables: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[list[str], int]:
    """Every sku of every page, and the first page's totalCount (as staff unless other headers are given)."""
    skus: list[str] = []
    total, after = None, None
    while True:
        page = (await stack.data(SEARCH, {**variables, "after": after}, headers))["searchProducts"]
        total = page["totalCount"] if total is None else total
        skus += [e["node"]["sku"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return skus, total
        after = page["pageInfo"]["endCursor"]


async def sell_at_till(stack: Stack, product: DemoProduct, store: str, units: int) -> None:
    """A sale rung up at the store's till: Square's BatchChangeInventory, IN_STOCK to SOLD."""
    async with stack.http.post(f"{stack.sim_url}/pos/v2/catalog/search", headers=POS, json={
            "object_types": ["ITEM_VARIATION"],
            "query": {"exact_query": {"attribute_name": "upc", "attribute_value": product.gtin}}}) as r:
        [variation] = (await r.json())["objects"]
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    async with stack.http.post(f"{stack.sim_url}/pos/v2/inventory/changes/batch-create", headers=POS, json={
            "idempotency_key": uuid.uuid4().hex, "changes": [{"type": "ADJUSTMENT", "adjustment": {
                "from_state": "IN_STOCK", "to_state": "SOLD", "location_id": store,
                "catalog_object_id": variation["id"], "quantity": str(units), "occurred_at": now}}]}) as r:
        assert r.status == 200, await r.text()


def only_here(world: World, store: DemoStore, radius_stores: list[DemoStore]) -> DemoProduct:
    """An article `store` sells (a few units) that no other store in `radius_stores` sells."""
    for product in world.products:
        figure = world.store_stock(store, product)
        others = [world.store_stock(s, product) for s in radius_stores if s.code != store.code]
        if figure is not None and 2 <= figure.sellable <= 5 and all(o is None or o.sellable == 0 for o in others):
            return product
    raise AssertionError("no article sold only there")


async def test_every_filter_lists_exactly_what_the_pos_counts_less_the_holds(stack: Stack) -> None:
    world = stack.world
    lyon, villeurbanne = world.store_by_code["LYO01"], world.store_by_code["VIL01"]
    held = {}  # (sku, store) -> units held: every unit of a few articles, so the holds decide
    few = [(p, f.sellable) for p in world.products if (f := world.store_stock(lyon, p)) and 1 <= f.sellable <= 3]
    for n, (product, units) in enumerate(few[:4]):
        payload = await reserve(stack, customer(), sku=product.sku, quantity=units, key=f"all-{n}", store="LYO01")
        assert payload["userErrors"] == []
        held[(product.sku, lyon.code)] = units
    assert held and any(world.store_stock(villeurbanne, world.product_by_sku[sku]) is None for sku, _ in held)

    def sellable(product: DemoProduct, store: DemoStore) -> int:
        figure = world.store_stock(store, product)
        return (figure.sellable if figure else 0) - held.get((product.sku, store.code), 0)

    text = Counter(p.name.split()[0] for p in world.products).most_common(1)[0][0]
    category = Counter(p.category for p in world.products).most_common(1)[0][0]
    searches: list[dict[str, Any]] = [{}, {"q": text}, {"category": category}, {"q": text, "category": category}]
    for search in searches:
        candidates, _ = await walk(stack, search)  # the catalog's own answer, with no stock filter
        by_sku = {p.sku: p for p in world.products if p.sku in set(candidates)}
        where: list[tuple[dict[str, Any], list[DemoStore]]] = [
            ({"storeId": global_id("Store", "LYO01")}, [lyon])]
        where += [({"near": center, "radiusKm": km}, within(world, center, km))
                  for center in (PARIS, LYON) for km in (2, 5, 30, 200)]
        for at, stores in where:
            expected = sorted(sku for sku, p in by_sku.items() if any(sellable(p, s) > 0 for s in stores))
            found, total = await walk(stack, {**search, "at": at})
            assert found == expected, (search, at)
            assert total == len(expected), (search, at)


async def test_a_till_sale_of_the_last_unit_takes_the_product_out_at_once(stack: Stack) -> None:
    """Square pushes the till's counts (the simulator's webhook, as registered): the index and the kept responses
    follow at once, long before the index's interval check (60 s) would."""
    registration = await subscribe(stack.http, stack.sim_url, f"{stack.gateway_url}/webhooks/pos")
    await stack.app[BACKENDS_KEY].registrations.save(registration)
    paris = stack.world.store_by_code["PAR01"]
    assert [s.code for s in within(stack.world, PARIS, 2)] == ["PAR01"]
    product = only_here(stack.world, paris, within(stack.world, PARIS, 2))
    units = stack.world.store_stock(paris, product).sellable  # type: ignore[union-attr]
    near = {"at": {"near": PARIS, "radiusKm": 2}, "q": product.name}
    assert (await walk(stack, near))[0] == [product.sku]
    assert (await walk(stack, near, ANONYMOUS))[0] == [product.sku]  # kept by the response cache too

    await sell_at_till(stack, product, "PAR01", units - 1)
    await sell_at_till(stack, product, "PAR01", 1)  # the last unit

    gone: tuple[list[str], int] = ([], 0)
    await until(lambda: walk(stack, near), gone)
    assert await walk(stack, near, ANONYMOUS) == ([], 0)  # the kept response is outdated by the event


async def test_a_sale_no_event_told_of_is_found_by_the_interval_check(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_AVAILABILITY_CHECK_S": "0.2"}) as stack:
        await stack.warm()
        paris = stack.world.store_by_code["PAR01"]
        product = only_here(stack.world, paris, within(stack.world, PARIS, 2))
        near = {"at": {"near": PARIS, "radiusKm": 2}, "q": product.name}
        assert (await walk(stack, near))[0] == [product.sku]
        await sell_at_till(stack, product, "PAR01", stack.world.store_stock(paris, product).sellable)  # type: ignore[union-attr]
        gone: tuple[list[str], int] = ([], 0)
        await until(lambda: walk(stack, near), gone)  # the interval check saw the sale


async def test_a_hold_on_the_last_units_takes_the_product_out_and_cancelling_brings_it_back(stack: Stack) -> None:
    lyon = stack.world.store_by_code["LYO01"]
    assert [s.code for s in within(stack.world, LYON, 2)] == ["LYO01"]
    product = only_here(stack.world, lyon, within(stack.world, LYON, 2))
    units = stack.world.store_stock(lyon, product).sellable  # type: ignore[union-attr]
    near = {"at": {"near": LYON, "radiusKm": 2}, "q": product.name}
    assert (await walk(stack, near))[0] == [product.sku]

    payload = await reserve(stack, customer(), sku=product.sku, quantity=units, key="every-unit", store="LYO01")
    assert payload["userErrors"] == []
    assert await walk(stack, near) == ([], 0)
    basket = await stack.data(BASKET, {"s": [product.sku]})
    assert "LYO01" not in {e["node"]["code"] for e in basket["stores"]["edges"]}

    await stack.data(CANCEL, {"id": payload["reservation"]["id"]}, customer())
    assert (await walk(stack, near))[0] == [product.sku]


async def test_the_issue_document_on_a_cold_gateway_costs_a_bounded_number_of_pos_calls(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_AVAILABILITY_AT_START": "true"}) as stack:
        body = await stack.graphql(ISSUE_DOCUMENT, {"near": PARIS})
        assert all(e["extensions"]["code"] == "WARMING_UP" for e in body.get("errors", [])), body["errors"]
        assert await stack.app[REFERENCE_KEY].availability.built(timeout_s=60)
        data = await stack.data(ISSUE_DOCUMENT, {"near": PARIS})
        assert data["searchProducts"]["totalCount"] > 0
        async with stack.http.get(f"{stack.sim_url}/_sim/stats") as r:
            pos = (await r.json())["systems"]["pos"]
        stores = len([s for s in live_world.stores if s.active])
        counts = sum(n for route, n in pos["routes"].items() if "inventory/counts" in route)
        assert counts <= stores + 2, pos  # a page a store (each under 1,000 counts), then the document's own
        assert pos["total"] <= stores + 12, pos  # and the locations, the POS catalog read ahead, the prices
        sku = data["searchProducts"]["edges"][0]["node"]["sku"]
        for headers in ({}, STAFF, customer(), api_key(stack.keys.partner), api_key(stack.keys.kiosk)):
            answer = await stack.data(IN_STORE, {"sku": sku, "store": global_id("Store", "PAR01")}, headers)
            assert answer["product"]["availabilityInStore"]["quantity"] >= 0


async def test_before_the_first_build_completes_the_answer_says_it_is_warming(live_world: World) -> None:
    slow = {"OMNIGATE_AVAILABILITY_AT_START": "true", "OMNIGATE_AVAILABILITY_READS_PER_S": "0.5"}
    async with running_stack(live_world, slow) as stack:
        for document, variables in ((SEARCH, {"at": {"near": PARIS, "radiusKm": 30}}),
                                    ("{ stores(inStockSkus: [\"x\"]) { totalCount } }", {})):
            body = await stack.graphql(document, variables)
            [error] = body["errors"]
            assert error["extensions"]["code"] == "WARMING_UP" and error["extensions"]["retryAfterS"] > 0
            assert next(iter(body["data"].values()))["totalCount"] == 0


async def test_when_the_pos_stops_answering_the_index_the_answers_say_they_are_stale(live_world: World) -> None:
    lagging = {"OMNIGATE_AVAILABILITY_CHECK_S": "0.2", "OMNIGATE_AVAILABILITY_STALE_S": "1"}
    async with running_stack(live_world, lagging) as stack:
        await stack.warm()
        fresh = await stack.graphql(SEARCH, {"at": {"near": PARIS, "radiusKm": 30}})
        assert "errors" not in fresh and "staleSources" not in fresh.get("extensions", {})

        await stack.fault(system="pos", down=True)
        await asyncio.sleep(1.5)
        stale = await stack.graphql(SEARCH, {"at": {"near": PARIS, "radiusKm": 30}})

        assert "errors" not in stale and stale["data"] == fresh["data"]  # the last known truth, from the index
        assert stale["extensions"]["staleSources"] == ["pos"] and stale["extensions"]["staleAges"]["pos"] >= 1
