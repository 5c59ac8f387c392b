"""Products through the gateway: one price, each system's copy, stock near a point, search pages."""

from datetime import UTC, datetime
from decimal import Decimal

from gateway.schema.relay import global_id
from simulators.world import CATEGORIES, DemoProduct, DemoStore
from tests.direct import pos_locations, pos_sellable, pos_variations, webshop_products
from tests.harness import Stack
from tests.test_gateway_stores import PARIS, haversine

PRODUCT = """
query One($sku: String!, $near: GeoPointInput!) {
  product(sku: $sku) {
    id sku gtin name brand category description images { url altText } attributes { name value }
    price { amount { amount currencyCode } compareAt { amount } consistent channelPrices { source amount { amount } } }
    onlineAvailability { quantity status deliveryEstimate }
    nearestAvailability(near: $near, radiusKm: 200, first: 5) { quantity status distanceKm pickupReadyAt
                                                                 updatedAt store { code } }
    accessories(first: 10) { sku }
  }
}"""
BY_GTIN = "query($gtin: String!) { productByGtin(gtin: $gtin) { sku } }"
PRODUCTS = "query($skus: [String!]!) { products(skus: $skus) { sku } }"
SEARCH = """
query Search($q: String, $category: String, $first: Int, $after: String, $at: AvailabilityFilter) {
  searchProducts(query: $q, category: $category, first: $first, after: $after, availableAt: $at) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { sku name category } }
  }
}"""
DISCREPANCIES = """
query Disc($after: String) {
  priceDiscrepancies(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { product { sku } expected { amount } channelPrices { source amount { amount } } }
  }
}"""


def current_price(p: DemoProduct, today: datetime) -> int:
    return next((x.price for x in p.promotions if x.starts <= today.date() <= x.ends), p.list_price)


def euros(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2).quantize(Decimal("0.01")))


def listed(stack: Stack) -> list[DemoProduct]:
    return [p for p in stack.world.products if not p.delisted and p.webshop_id is not None]


async def test_a_product_shows_the_erp_price_and_what_each_system_holds(stack: Stack) -> None:
    today = datetime.now(UTC)
    drifted = next(p for p in listed(stack) if p.pos_price != current_price(p, today))
    plain = next(p for p in listed(stack) if p.pos_price == p.webshop_price == current_price(p, today)
                 and not p.promotions)
    for product, consistent in ((drifted, False), (plain, True)):
        data = (await stack.data(PRODUCT, {"sku": product.sku, "near": PARIS}))["product"]
        variation = (await pos_variations(stack.http, stack.sim_url, [product.gtin]))[product.gtin]
        [online] = await webshop_products(stack.http, stack.sim_url, [str(product.webshop_id)])
        assert data["price"]["amount"] == {"amount": euros(current_price(product, today)), "currencyCode": "EUR"}
        shown = {c["source"]: c["amount"]["amount"] for c in data["price"]["channelPrices"]}
        assert shown == {"erp": euros(current_price(product, today)),
                         "pos": euros(variation["item_variation_data"]["price_money"]["amount"]),
                         "webshop": online["price"] if "." in online["price"] else f"{online['price']}.00"}
        assert data["price"]["consistent"] is consistent
        assert data["gtin"] == product.gtin and data["name"] == product.name
        assert data["onlineAvailability"]["quantity"] == online["stock_quantity"]
        assert [i["url"] for i in data["images"]] == [i["src"] for i in online["images"]]


async def test_a_running_promotion_is_the_price_and_the_list_price_is_compare_at(stack: Stack) -> None:
    today = datetime.now(UTC)
    promoted = next(p for p in listed(stack) if current_price(p, today) != p.list_price)
    data = (await stack.data(PRODUCT, {"sku": promoted.sku, "near": PARIS}))["product"]
    assert data["price"]["amount"]["amount"] == euros(current_price(promoted, today))
    assert data["price"]["compareAt"]["amount"] == euros(promoted.list_price)


async def test_nearest_availability_agrees_with_brute_force_and_the_pos(stack: Stack) -> None:
    product = listed(stack)[3]
    locations = [loc for loc in await pos_locations(stack.http, stack.sim_url) if loc["status"] == "ACTIVE"]
    sellable = await pos_sellable(stack.http, stack.sim_url, [product.gtin], [loc["id"] for loc in locations])
    expected = sorted((round(haversine(PARIS, loc["coordinates"]), 3), loc["id"]) for loc in locations
                      if haversine(PARIS, loc["coordinates"]) <= 200 and sellable.get((product.gtin, loc["id"]), 0) > 0)
    data = (await stack.data(PRODUCT, {"sku": product.sku, "near": PARIS}))["product"]
    got = data["nearestAvailability"]
    assert [(a["distanceKm"], a["store"]["code"]) for a in got] == expected[:5]
    assert [a["quantity"] for a in got] == [sellable[(product.gtin, code)] for _, code in expected[:5]]
    assert all(a["pickupReadyAt"] is None or a["pickupReadyAt"] > datetime.now(UTC).isoformat()[:10] for a in got)


NEAREST_ONE = """
query Nearest($sku: String!, $near: GeoPointInput!) {
  product(sku: $sku) { nearestAvailability(near: $near, radiusKm: 200, first: 1) { store { code } quantity } }
}"""


async def test_the_nearest_store_with_stock_is_found_past_the_nearest_ones_without(stack: Stack) -> None:
    """Stores are asked nearest first, ring by ring (3, then 6, then 12 for `first: 1`): a product none of the 3
    stores nearest Paris can sell is still found at the nearest one that can, and no farther one is shown."""
    stores = sorted((s for s in stack.world.stores if s.active),
                    key=lambda s: haversine(PARIS, {"latitude": s.latitude, "longitude": s.longitude}))
    in_reach = [s for s in stores if haversine(PARIS, {"latitude": s.latitude, "longitude": s.longitude}) <= 200]

    def sellable(store: DemoStore, product: DemoProduct) -> int:
        figure = stack.world.store_stock(store, product)
        return figure.sellable if figure is not None else 0

    product, nearest = next((p, s) for p in listed(stack)
                            if not any(sellable(s, p) for s in in_reach[:3])
                            for s in in_reach[3:] if sellable(s, p))
    data = (await stack.data(NEAREST_ONE, {"sku": product.sku, "near": PARIS}))["product"]
    assert data["nearestAvailability"] == [{"store": {"code": nearest.code}, "quantity": sellable(nearest, product)}]


async def test_accessories_are_the_erp_relations_that_are_still_listed(stack: Stack) -> None:
    camera = next(p for p in listed(stack) if p.relations)
    data = (await stack.data(PRODUCT, {"sku": camera.sku, "near": PARIS}))["product"]
    by_sku = stack.world.product_by_sku
    expected = [r.sku for r in sorted(camera.relations, key=lambda r: r.order) if not by_sku[r.sku].delisted]
    assert [a["sku"] for a in data["accessories"]] == expected[:10]


async def test_skus_are_matched_whatever_their_case_or_spaces_and_gtins_find_products(stack: Stack) -> None:
    product = listed(stack)[0]
    assert (await stack.data(PRODUCT, {"sku": f" {product.sku.lower()} ", "near": PARIS}))["product"]["sku"] \
        == product.sku
    assert (await stack.data(BY_GTIN, {"gtin": product.gtin}))["productByGtin"] == {"sku": product.sku}
    assert (await stack.data(BY_GTIN, {"gtin": "0000000000000"}))["productByGtin"] is None


async def test_products_come_in_the_order_asked_with_null_for_unknown_and_delisted(stack: Stack) -> None:
    delisted = next(p for p in stack.world.products if p.delisted)
    skus = [listed(stack)[5].sku, "NOPE-1", delisted.sku, listed(stack)[1].sku]
    data = await stack.data(PRODUCTS, {"skus": skus})
    assert data["products"] == [{"sku": skus[0]}, None, None, {"sku": skus[3]}]
    too_many = await stack.graphql(PRODUCTS, {"skus": [f"X-{i}" for i in range(101)]})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_search_pages_walk_to_the_end_with_no_gap_and_no_duplicate(stack: Stack) -> None:
    category = stack.world.products[0].category
    erp_group = next(c.erp_group for c in CATEGORIES if c.code == category)
    expected = sorted(p.sku for p in stack.world.products if p.category == category and not p.delisted)
    seen: list[str] = []
    after = None
    while True:
        page = (await stack.data(SEARCH, {"category": erp_group, "first": 9, "after": after}))["searchProducts"]
        assert page["totalCount"] == len(expected)
        seen += [e["node"]["sku"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == expected and len(seen) == len(set(seen))


async def test_search_available_in_a_store_keeps_only_what_it_can_sell(stack: Stack) -> None:
    store = next(s for s in stack.world.stores if s.active)
    at = {"storeId": global_id("Store", store.code)}
    page = (await stack.data(SEARCH, {"first": 100, "at": at}))["searchProducts"]
    expected = [p for p in stack.world.products if not p.delisted
                and (f := stack.world.store_stock(store, p)) is not None and f.sellable > 0]
    assert page["totalCount"] == len(expected)
    got = [e["node"]["sku"] for e in page["edges"]]
    gtins = {p.sku: p.gtin for p in stack.world.products}
    sellable = await pos_sellable(stack.http, stack.sim_url, [gtins[s] for s in got], [store.code])
    assert all(sellable.get((gtins[s], store.code), 0) > 0 for s in got)


async def test_price_discrepancies_page_through_every_disagreeing_product(stack: Stack) -> None:
    today = datetime.now(UTC)
    expected = {p.sku for p in stack.world.products if not p.delisted and (
        p.pos_price != current_price(p, today)
        or (p.webshop_id is not None and p.webshop_price != current_price(p, today)))}
    seen: list[str] = []
    after = None
    await stack.audit_built()
    while True:
        page = (await stack.data(DISCREPANCIES, {"after": after}))["priceDiscrepancies"]
        seen += [n["product"]["sku"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert set(seen) == expected and len(seen) == len(expected)



async def test_search_available_near_a_point_or_online(stack: Stack) -> None:
    world = stack.world
    near = [s for s in world.stores if s.active and haversine(PARIS, {"latitude": s.latitude,
                                                                      "longitude": s.longitude}) <= 30]
    in_reach = {p.sku for p in world.products if not p.delisted and any(
        (f := world.store_stock(s, p)) is not None and f.sellable > 0 for s in near)}
    page = (await stack.data(SEARCH, {"first": 50, "at": {"near": PARIS, "radiusKm": 30}}))["searchProducts"]
    assert page["totalCount"] == len(in_reach)
    assert {e["node"]["sku"] for e in page["edges"]} <= in_reach
    online = {p.sku for p in world.products if not p.delisted and p.webshop_id is not None and p.online_stock > 0}
    page = (await stack.data(SEARCH, {"first": 50, "at": {"online": True}}))["searchProducts"]
    assert page["totalCount"] == len(online)
    assert {e["node"]["sku"] for e in page["edges"]} <= online
