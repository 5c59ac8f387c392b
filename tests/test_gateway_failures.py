"""Failure stays local: with one back office down, everything it does not serve still answers.

Each field the failing system serves is null (or, for a list that cannot be
null, short of that system's share) with an error carrying
`extensions.code = "UPSTREAM_UNAVAILABLE"` and `extensions.source`.
"""

from typing import Any

import pytest

from simulators.world import DemoCustomer, DemoProduct, World
from tests.harness import Stack, running_stack

EVERYTHING = """
query Everything($sku: String!, $card: String!) {
  product(sku: $sku) {
    name
    images { url }
    price { amount { amount } consistent channelPrices { source } }
    onlineAvailability { quantity }
    nearestAvailability(near: {latitude: 48.8566, longitude: 2.3522}, radiusKm: 200, first: 2) { quantity }
  }
  stores(first: 2) { totalCount edges { node { code } } }
  customerByLoyaltyCard(cardNumber: $card) {
    firstName
    purchaseHistory(first: 3) { totalCount unavailableSources edges { node { channel } } }
    wishlist { items { addedAt } }
  }
}"""


def subjects(world: World) -> tuple[DemoProduct, DemoCustomer]:
    product = next(p for p in world.products if not p.delisted and p.webshop_id is not None)
    customer = next(c for c in world.customers if c.card and c.webshop_id and world.history.receipts(c)
                    and world.history.web_orders(c) and world.history.wishlist(c))
    return product, customer


def errors_by_path(body: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {".".join(map(str, e["path"])): (e["extensions"]["code"], e["extensions"].get("source"))
            for e in body.get("errors", [])}


async def run(stack: Stack, down: str | None) -> dict[str, Any]:
    product, customer = subjects(stack.world)
    if down:
        await stack.fault(system=down, down=True)
    return await stack.graphql(EVERYTHING, {"sku": product.sku, "card": customer.card})


async def test_with_every_system_up_there_is_no_error(stack: Stack) -> None:
    body = await run(stack, None)
    assert "errors" not in body
    assert body["data"]["customerByLoyaltyCard"]["purchaseHistory"]["unavailableSources"] == []
    assert {c["source"] for c in body["data"]["product"]["price"]["channelPrices"]} == {"erp", "pos", "webshop"}


async def test_erp_down_loses_the_catalog_and_what_is_made_of_it(stack: Stack) -> None:
    body = await run(stack, "erp")
    assert body["data"]["product"] is None
    assert body["data"]["customerByLoyaltyCard"]["wishlist"] is None  # its items are catalog products
    assert errors_by_path(body) == {"product": ("UPSTREAM_UNAVAILABLE", "erp"),
                                    "customerByLoyaltyCard.wishlist": ("UPSTREAM_UNAVAILABLE", "erp")}
    assert body["data"]["stores"]["totalCount"] > 0
    assert body["data"]["customerByLoyaltyCard"]["purchaseHistory"]["unavailableSources"] == []


async def test_pos_down_loses_store_stock_prices_and_receipts(stack: Stack) -> None:
    body = await run(stack, "pos")
    product, customer = body["data"]["product"], body["data"]["customerByLoyaltyCard"]
    assert product["name"] and product["nearestAvailability"] is None
    assert {c["source"] for c in product["price"]["channelPrices"]} == {"erp", "webshop"}
    assert product["price"]["consistent"] is False
    assert errors_by_path(body) == {
        "product.nearestAvailability": ("UPSTREAM_UNAVAILABLE", "pos"),
        "product.price.channelPrices": ("UPSTREAM_UNAVAILABLE", "pos"),
        "product.price.consistent": ("UPSTREAM_UNAVAILABLE", "pos"),
    }
    history = customer["purchaseHistory"]
    assert history["unavailableSources"] == ["pos"]
    assert {e["node"]["channel"] for e in history["edges"]} == {"WEB"}
    assert body["data"]["stores"]["totalCount"] > 0  # the store index is served from the cache


async def test_crm_down_loses_the_customer_only(stack: Stack) -> None:
    body = await run(stack, "crm")
    assert body["data"]["customerByLoyaltyCard"] is None
    assert errors_by_path(body) == {"customerByLoyaltyCard": ("UPSTREAM_UNAVAILABLE", "crm")}
    assert body["data"]["product"]["nearestAvailability"] is not None


async def test_webshop_down_loses_online_data_and_web_orders(stack: Stack) -> None:
    body = await run(stack, "webshop")
    product, customer = body["data"]["product"], body["data"]["customerByLoyaltyCard"]
    assert product["images"] == [] and product["onlineAvailability"] is None
    assert {c["source"] for c in product["price"]["channelPrices"]} == {"erp", "pos"}
    assert customer["purchaseHistory"]["unavailableSources"] == ["webshop"]
    assert customer["wishlist"] is None
    assert errors_by_path(body) == {
        "product.images": ("UPSTREAM_UNAVAILABLE", "webshop"),
        "product.onlineAvailability": ("UPSTREAM_UNAVAILABLE", "webshop"),
        "product.price.channelPrices": ("UPSTREAM_UNAVAILABLE", "webshop"),
        "product.price.consistent": ("UPSTREAM_UNAVAILABLE", "webshop"),
        "customerByLoyaltyCard.wishlist": ("UPSTREAM_UNAVAILABLE", "webshop"),
    }


@pytest.mark.parametrize("system", ["erp", "pos", "crm", "webshop"])
async def test_errors_carry_no_upstream_detail(stack: Stack, system: str) -> None:
    body = await run(stack, system)
    for error in body["errors"]:
        assert error["message"] == f"{system} is unavailable"
        assert set(error["extensions"]) == {"code", "source"}


ROOTS = """
query Roots($sku: String!) {
  stores(first: 2) { totalCount edges { node { code } } }
  searchProducts(first: 2) { totalCount }
  products(skus: [$sku, "NOPE-1"]) { sku }
  priceDiscrepancies(first: 1) { nodes { product { sku } } }
  overdueAppointments { id }
}"""


@pytest.mark.parametrize(("down", "empty_roots"), [
    ("pos", {"stores", "overdueAppointments", "priceDiscrepancies"}),
    ("erp", {"searchProducts", "products", "priceDiscrepancies"}),
])
async def test_a_cold_gateway_with_a_system_down_keeps_every_other_root_field(
        live_world: World, down: str, empty_roots: set[str]) -> None:
    """No cache to fall back on: the failing system's root fields answer empty with an error, the rest in full."""
    async with running_stack(live_world, down=down) as stack:
        sku = next(p.sku for p in live_world.products if not p.delisted)
        await stack.audit_built()
        body = await stack.graphql(ROOTS, {"sku": sku})
        data = body["data"]
        assert data is not None
        emptied = {root for root, value in data.items() if _is_empty(value)}
        assert emptied == empty_roots
        assert {e["extensions"]["source"] for e in body["errors"]} == {down}
        assert {e["path"][0] for e in body["errors"]} == empty_roots


def _is_empty(value: Any) -> bool:
    if isinstance(value, list):
        return all(v is None for v in value)
    return bool(value.get("totalCount") == 0 or value.get("nodes") == [])
