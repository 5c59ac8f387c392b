"""The five scenarios: Omnigate's document for each, who sends it, and its variables from a draw."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.schema.relay import global_id
from tests.test_gateway_batching import MOBILE_PRODUCT_PAGE  # the document the batching tests count

from .draws import BULK_SKUS, PAGE_SKUS, Draw
from .principals import Principals

KIOSK_SEARCH = """
query KioskSearch($category: String!, $store: ID!) {
  searchProducts(category: $category, availableAt: {storeId: $store}, first: 20) {
    totalCount
    edges { node { sku name price { amount { amount currencyCode } }
                   availabilityInStore(storeId: $store) { quantity status } } }
  }
}"""
CUSTOMER_360 = """
query Customer360($card: String!) {
  customerByLoyaltyCard(cardNumber: $card) {
    firstName loyalty { tier points } favoriteStore { name }
    purchaseHistory(first: 20) { totalCount edges { node { channel total { amount } lines { product { name } } } } }
    wishlist { items { product { name } } }
    recommendedAccessories(first: 10) { sku name price { amount { amount } } }
  }
}"""
PARTNER_BULK = """
query Bulk($skus: [String!]!, $near: GeoPointInput!) {
  products(skus: $skus) {
    sku
    price { amount { amount } channelPrices { source } }
    onlineAvailability { quantity }
    nearestAvailability(near: $near, first: 5) { quantity store { name } }
  }
}"""
TEN_PRODUCTS = """
query TenProducts($skus: [String!]!, $store: ID!) {
  products(skus: $skus) {
    sku name price { amount { amount currencyCode } } availabilityInStore(storeId: $store) { quantity status }
  }
}"""


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    query: str
    skus: int  # how many skus a draw carries
    variables: Callable[[Draw], dict[str, Any]]
    headers: Callable[[Principals, Draw], dict[str, str]]

    def body(self, draw: Draw) -> dict[str, Any]:
        return {"query": self.query, "variables": self.variables(draw)}


SCENARIOS = {s.name: s for s in (
    Scenario("mobile_product_page", "mobile product page", MOBILE_PRODUCT_PAGE, 1,
             lambda d: {"sku": d["sku"], "near": d["near"]}, lambda p, _: p.anonymous()),
    Scenario("kiosk_search", "kiosk search", KIOSK_SEARCH, 1,
             lambda d: {"category": d["category"], "store": global_id("Store", d["store"])},
             lambda p, d: p.kiosk(d["store"])),
    Scenario("customer_360", "customer 360", CUSTOMER_360, 1, lambda d: {"card": d["card"]},
             lambda p, _: p.staff()),
    Scenario("partner_bulk", "partner bulk (100 skus)", PARTNER_BULK, BULK_SKUS,
             lambda d: {"skus": d["skus"], "near": d["near"]}, lambda p, _: p.partner_key()),
    Scenario("ten_products", "10 products with stock in one store", TEN_PRODUCTS, PAGE_SKUS,
             lambda d: {"skus": d["skus"], "store": global_id("Store", d["store"])}, lambda p, _: p.partner_key()),
)}
