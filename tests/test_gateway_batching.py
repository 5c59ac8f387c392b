"""Upstream calls per document: one per (system, kind of record, nesting level), plus what limits force.

Counts are read from the simulators' `/_sim/stats` after one request on a
warm gateway (store index and crosswalk loaded), so they show that request's work.
"""

import math

from connectors.domain import GeoPoint
from gateway.geo import haversine_km
from gateway.schema.relay import global_id
from simulators.world import CATEGORIES, DemoProduct, World
from tests.harness import Stack

PARIS = {"latitude": 48.8566, "longitude": 2.3522}
ERP_PRODUCT = "GET /erp/sap/opu/odata4/sap/api_product/srvd_a2x/sap/product/0002/Product"
ERP_PRICES = "GET /erp/sap/opu/odata/sap/API_SLSPRICINGCONDITIONRECORD_SRV/A_SlsPrcgCndnRecdValidity"
ERP_RELATIONS = "GET /erp/sap/opu/odata4/sap/zapi_prodrel/srvd_a2x/sap/zprodrel/0001/ProductRelationship"
ERP_GROUP_TEXTS = "GET /erp/sap/opu/odata/sap/API_PRODUCTGROUP_SRV/A_ProductGroupText"
POS_CATALOG = "POST /pos/v2/catalog/search"
POS_COUNTS = "POST /pos/v2/inventory/counts/batch-retrieve"
WEB_PRODUCTS = "GET /webshop/wp-json/wc/v3/products"
POS_BOOKINGS = "GET /pos/v2/bookings"
POS_SERVICES = "POST /pos/v2/catalog/batch-retrieve"
POS_CUSTOMERS = "POST /pos/v2/customers/bulk-retrieve"

BULK = """
query Bulk($skus: [String!]!, $near: GeoPointInput!) {
  products(skus: $skus) {
    sku
    price { amount { amount } channelPrices { source } }
    onlineAvailability { quantity }
    nearestAvailability(near: $near, first: 5) { quantity store { name } }
  }
}"""
MOBILE_PRODUCT_PAGE = """
query ProductPage($sku: String!, $near: GeoPointInput!) {
  product(sku: $sku) {
    name brand description images { url altText } attributes { name value }
    price { amount { amount currencyCode } compareAt { amount } consistent }
    onlineAvailability { quantity status deliveryEstimate }
    nearestAvailability(near: $near, first: 5) { quantity distanceKm pickupReadyAt store { name isOpen } }
    accessories(first: 6) { sku name price { amount { amount } } }
  }
}"""
CATEGORISED = "query Categorised($skus: [String!]!) { products(skus: $skus) { sku category categoryName } }"
KIOSK_SEARCH = """
query KioskSearch($q: String, $store: ID!) {
  searchProducts(query: $q, availableAt: {storeId: $store}, first: 20) {
    totalCount
    edges { node { sku name price { amount { amount } } availabilityInStore(storeId: $store) { quantity status } } }
  }
}"""
CUSTOMER_360 = """
query Customer360($card: String!) {
  customerByLoyaltyCard(cardNumber: $card) {
    firstName loyalty { tier points } favoriteStore { name }
    purchaseHistory(first: 10) { totalCount edges { node { channel total { amount } lines { product { name } } } } }
    wishlist { items { product { name } } }
    appointments { topic status }
    notes { text }
  }
}"""


def sellable_products(world: World) -> list[DemoProduct]:
    return [p for p in world.products if not p.delisted and p.webshop_id is not None]


def count_pages(world: World, products: list[DemoProduct], store_codes: list[str]) -> int:
    """Pages of 1,000 inventory counts the POS needs for these products in these stores."""
    stores = [world.store_by_code[c] for c in store_codes]
    counts = sum(1 + (f.reserved > 0) for p in products for s in stores if (f := world.store_stock(s, p)))
    return max(1, math.ceil(counts / 1000))


def stores_within(world: World, km: float) -> list[str]:
    centre = GeoPoint(PARIS["latitude"], PARIS["longitude"])
    return [s.code for s in world.stores
            if s.active and haversine_km(centre, GeoPoint(s.latitude, s.longitude)) <= km]

OVERDUE = "{ overdueAppointments { id topic store { code } } }"
APPOINTMENTS_BY_ID = """
query Appointments($a: ID!, $b: ID!, $c: ID!) {
  a: node(id: $a) { ... on Appointment { topic } }
  b: node(id: $b) { ... on Appointment { topic } }
  c: node(id: $c) { ... on Appointment { topic } }
}"""


async def test_partner_bulk_makes_the_calls_the_batch_limits_require_whatever_the_length(stack: Stack) -> None:
    start = 0
    for n in (1, 50, 100):  # products no earlier request has put in the shared caches
        products = sellable_products(stack.world)[start:start + n]
        start += n
        await stack.reset_calls()
        await stack.data(BULK, {"skus": [p.sku for p in products], "near": PARIS})
        assert await stack.calls() == {
            ERP_PRODUCT: math.ceil(n / 50),  # products by key: 50 keys a request (ours)
            ERP_PRICES: math.ceil(n / 50),  # price conditions: 50 materials a request
            POS_CATALOG: 1,  # live prices for channelPrices; the variation ids for stock were read at start
            POS_COUNTS: count_pages(stack.world, products, stores_within(stack.world, 50)),  # 1,000 counts a page
            WEB_PRODUCTS: 1,  # up to 100 ids a request
        }


async def test_mobile_product_page(stack: Stack) -> None:
    product = next(p for p in sellable_products(stack.world) if p.relations)
    await stack.data(MOBILE_PRODUCT_PAGE, {"sku": product.sku, "near": PARIS})
    assert await stack.calls() == {
        ERP_PRODUCT: 2,  # the product, then its accessories one level down
        ERP_PRICES: 2,  # its price, then the accessories' prices
        ERP_RELATIONS: 1,
        POS_CATALOG: 1,  # live prices for `consistent` (the variation ids for stock were read at start)
        POS_COUNTS: 1,
        WEB_PRODUCTS: 1,  # images, attributes, description, stock and price: one record, one call
    }


async def test_kiosk_search_in_one_store(stack: Stack) -> None:
    store = next(s for s in stack.world.stores if s.active)
    await stack.data(KIOSK_SEARCH, {"q": "casque", "store": global_id("Store", store.code)})
    assert await stack.calls() == {
        ERP_PRODUCT: 2,  # the search, then the page's products by key
        ERP_PRICES: 1,
        POS_COUNTS: 1,  # availabilityInStore is answered from the same request's loader; no catalog search: the
        # variation ids were read at start
    }


async def test_customer_360(stack: Stack) -> None:
    world = stack.world
    c = next(c for c in world.customers if c.card and c.webshop_id and world.history.wishlist(c))
    await stack.data(CUSTOMER_360, {"card": c.card})
    assert await stack.calls() == {
        "GET /crm/services/data/v60.0/query": 3,  # contact by card, loyalty member, notes
        "POST /crm/services/data/v60.0/composite": 1,  # tier and points together
        "POST /pos/v2/customers/search": 1,  # card -> POS customer, shared by receipts and appointments
        "POST /pos/v2/orders/search": math.ceil(len(world.stores) / 10),  # 10 locations a search
        "POST /pos/v2/catalog/batch-retrieve": 1,  # the receipts' articles
        "GET /pos/v2/bookings": 3,  # 31-day windows from a month back to two months ahead
        "GET /webshop/wp-json/wc/v3/orders": 1,
        "GET /webshop/wp-json/wc/v3/wishlist/get_by_user/{user_id}": 1,
        "GET /webshop/wp-json/wc/v3/wishlist/{share_key}/get_products": 1,
        ERP_PRODUCT: 2,  # wishlist products, purchase lines' products (another level)
    }


async def test_category_names_cost_one_call_whatever_the_products_then_none(stack: Stack) -> None:
    # given a hundred products from every category, and what each group is called in French, the catalog's language
    by_category = [[p for p in sellable_products(stack.world) if p.category == c.code] for c in CATEGORIES]
    products = [p for rank in zip(*by_category, strict=False) for p in rank][:100]
    names = {c.erp_group: c.name for c in CATEGORIES}
    # when they are shown with their category's name, twice
    first = await stack.data(CATEGORISED, {"skus": [p.sku for p in products]})
    first_calls = await stack.calls()
    await stack.reset_calls()
    await stack.data(CATEGORISED, {"skus": [p.sku for p in products]})
    # then every name is its group's; twenty groups cost one call, and the shared cache answers the second time
    assert [p["categoryName"] for p in first["products"]] == [names[p["category"]] for p in first["products"]]
    assert len({p["category"] for p in first["products"]}) == len(CATEGORIES)
    assert first_calls == {ERP_PRODUCT: 2, ERP_GROUP_TEXTS: 1}
    assert await stack.calls() == {}


async def test_overdue_appointments_read_their_customers_cards_in_one_call(stack: Stack) -> None:
    await stack.data(OVERDUE)
    assert await stack.calls() == {
        POS_BOOKINGS: 2,  # every store at once, in two 31-day windows
        POS_SERVICES: 1,  # the services' names
        POS_CUSTOMERS: 1,  # the bookings' customers (cards), at most 100 a call
    }


async def test_appointments_by_id_read_their_customers_cards_in_one_call(stack: Stack) -> None:
    booked = [b for b in stack.world.bookings if b.customer_index is not None][:3]
    ids = {key: global_id("Appointment", b.id) for key, b in zip("abc", booked, strict=True)}
    await stack.data(APPOINTMENTS_BY_ID, ids)
    assert await stack.calls() == {
        "GET /pos/v2/bookings/{booking_id}": 3,  # Square has no batch read of bookings
        POS_SERVICES: 1,
        POS_CUSTOMERS: 1,
    }
