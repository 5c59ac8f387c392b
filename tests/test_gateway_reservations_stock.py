"""Sellable = what the POS counts IN_STOCK less Omnigate's active holds, on every field that shows stock."""

from typing import Any

from gateway.schema.relay import global_id
from simulators.world.records import DemoProduct
from tests.harness import Stack, api_key
from tests.test_gateway_reservations import STORE, customer, few_left, reserve

SEEN = """
query Seen($sku: String!, $text: String!, $store: ID!, $near: GeoPointInput!) {
  product(sku: $sku) {
    availabilityInStore(storeId: $store) { quantity }
    nearestAvailability(near: $near, radiusKm: 1, inStockOnly: false) { store { code } quantity }
  }
  stores(inStockSkus: [$sku], first: 100) { edges { node { code } } }
  searchProducts(query: $text, availableAt: {storeId: $store}, first: 100) { edges { node { sku } } }
}"""
CANCEL = "mutation C($id: ID!) { cancelReservation(id: $id) { userErrors { code } } }"


async def seen_by_kiosk(stack: Stack, product: DemoProduct) -> tuple[int, int, bool, bool]:
    """(in store, nearest, store listed as having it, found by search there), as the store's kiosk sees them."""
    where = stack.world.store_by_code[STORE]
    near = {"latitude": where.latitude, "longitude": where.longitude}
    sku, text = product.sku, " ".join(product.name.split()[:3])
    data: dict[str, Any] = await stack.data(SEEN, {"sku": sku, "text": text, "store": global_id("Store", STORE),
                                                   "near": near}, api_key(stack.keys.other_kiosk))
    nearest = {a["store"]["code"]: a["quantity"] for a in data["product"]["nearestAvailability"]}
    return (data["product"]["availabilityInStore"]["quantity"], nearest[STORE],
            STORE in {e["node"]["code"] for e in data["stores"]["edges"]},
            sku in {e["node"]["sku"] for e in data["searchProducts"]["edges"]})


async def test_reserving_the_last_units_shows_at_once_and_cancelling_gives_them_back(stack: Stack) -> None:
    product, left = few_left(stack)
    assert await seen_by_kiosk(stack, product) == (left, left, True, True)  # the stock cache is warm now

    first = await reserve(stack, customer(), sku=product.sku, quantity=left - 1, key="most")
    assert await seen_by_kiosk(stack, product) == (1, 1, True, True)
    last = await reserve(stack, customer(), sku=product.sku, quantity=1, key="last")
    assert await seen_by_kiosk(stack, product) == (0, 0, False, False)

    await stack.data(CANCEL, {"id": last["reservation"]["id"]}, customer())
    assert await seen_by_kiosk(stack, product) == (1, 1, True, True)
    assert first["userErrors"] == last["userErrors"] == []
