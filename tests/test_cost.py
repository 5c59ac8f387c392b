"""What the expensive fields are estimated to read, from their arguments and the estate (see tests.test_limits:
open stores 1, 10, 100 and 300 km north of Paris, a closed one 1 km away, 1,000 articles, radii up to 200 km)."""

import math
from typing import Any

import pytest

from gateway.cost import ASSUMED_PURCHASES, Estate
from tests.test_limits import measured

NEAR = "{latitude: 48.8566, longitude: 2.3522}"
PARIS = {"latitude": 48.8566, "longitude": 2.3522}
SEARCH = "{ searchProducts(first: 1) { totalCount } }"
SEARCH_NEAR = f"""
query($km: Float) {{ searchProducts(availableAt: {{near: {NEAR}, radiusKm: $km}}, first: 1) {{ totalCount }} }}"""
SEARCH_NEAR_DEFAULT = f"{{ searchProducts(availableAt: {{near: {NEAR}}}, first: 1) {{ totalCount }} }}"
SEARCH_BY_VARIABLE = "query($at: AvailabilityFilter) { searchProducts(availableAt: $at, first: 1) { totalCount } }"
SEARCH_IN_STORE_AND_ONLINE = '{ searchProducts(availableAt: {storeId: "x", online: true}, first: 1) { totalCount } }'
NEAREST = f"""
query($first: Int, $inStockOnly: Boolean) {{
  product(sku: "a") {{ nearestAvailability(near: {NEAR}, first: $first, inStockOnly: $inStockOnly) {{ quantity }} }}
}}"""
NEAREST_AT = """
query($near: GeoPointInput!) { product(sku: "a") { nearestAvailability(near: $near, radiusKm: 50) { quantity } } }"""
BASKET = """
query($near: GeoPointInput, $km: Float) { stores(near: $near, radiusKm: $km, inStockSkus: ["a", "b", "c"], first: 1) {
  totalCount
} }"""
AUDIT = "{ priceDiscrepancies(first: 1) { pageInfo { hasNextPage } } }"
HISTORY = "{ me { purchaseHistory(first: 1) { totalCount } } }"


@pytest.mark.parametrize("km", [0.5, 5, 50, 150, 3000, None])
def test_a_search_near_a_point_reads_only_its_page_whatever_the_radius(km: float | None) -> None:
    # searchProducts 1 + first (1) * totalCount (1): the stores' stock comes from the availability index
    assert measured(SEARCH_NEAR, {"km": km}).cost == 2


@pytest.mark.parametrize(("query", "variables"), [
    (SEARCH_NEAR_DEFAULT, {}),
    (SEARCH_BY_VARIABLE, {"at": {"near": PARIS}}),
])
def test_a_search_near_a_point_without_a_radius_costs_the_same(query: str, variables: dict[str, Any]) -> None:
    assert measured(query, variables).cost == 2


def test_a_search_in_a_store_and_online_checks_the_catalog_online_only() -> None:
    assert measured(SEARCH_IN_STORE_AND_ONLINE).cost == 2 + 1000  # the web shop's stock of every article


def test_a_search_without_availability_reads_only_its_page() -> None:
    assert measured(SEARCH).cost == 2


def test_while_the_store_index_has_never_loaded_what_needs_it_counts_no_reads() -> None:
    # the POS down since start-up: nearestAvailability fails without the index, reading nothing
    cold = Estate(index=None, catalog=1000, max_radius_km=200)

    assert measured(NEAREST_AT, {"near": PARIS}, estate=cold).cost == 1 + (1 + 0 + 5 * 1)


def test_nearest_availability_reads_every_store_of_the_radius_unless_out_of_stock_stores_are_kept() -> None:
    # product 1 + (nearestAvailability 1 + reads + first * quantity)
    assert measured(NEAREST, {}).cost == 1 + (1 + 2 + 5 * 1)  # 50 km by default: 2 stores; first: 5
    assert measured(NEAREST, {"first": 1, "inStockOnly": False}).cost == 1 + (1 + 1 + 1 * 1)


@pytest.mark.parametrize("variables", [{}, {"near": PARIS}, {"near": PARIS, "km": 50}])
def test_a_basket_reads_nothing_the_availability_index_holds_it(variables: dict[str, Any]) -> None:
    assert measured(BASKET, variables).cost == 2


def test_the_price_audit_reads_no_back_office_so_costs_only_its_page() -> None:
    # priceDiscrepancies 1 + (pageInfo 1 + hasNextPage 1): the page comes from the gateway's index
    assert measured(AUDIT).cost == 1 + 2


def test_a_purchase_history_reads_the_whole_history_whatever_the_page() -> None:
    # me 1 + (purchaseHistory 1 + reads + totalCount 1); the POS is searched 10 stores at a time
    assert measured(HISTORY).cost == 1 + 1 + ASSUMED_PURCHASES + math.ceil(4 / 10) + 1



@pytest.mark.parametrize("near", [
    {"latitude": float("inf"), "longitude": 2.0},
    {"latitude": 10**400, "longitude": 2.0},
    {"latitude": "north", "longitude": 2.0},
    None,
])
def test_a_point_that_is_no_point_counts_every_store(near: object) -> None:
    assert measured(NEAREST_AT, {"near": near}).cost == 1 + (1 + 4 + 5 * 1)
