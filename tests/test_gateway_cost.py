"""What a document may ask of the back offices: radii within OMNIGATE_MAX_RADIUS_KM, refused before any
stock is read."""

import pytest

from tests.harness import Stack
from tests.test_gateway_batching import ERP_PRODUCT, stores_within

AROUND_PARIS = "near: {latitude: 48.8566, longitude: 2.3522}, radiusKm: $km"
SEARCH_AROUND = f"query($km: Float) {{ searchProducts(availableAt: {{{AROUND_PARIS}}}, first: 1) {{ totalCount }} }}"
STORES_AROUND = f"query($km: Float) {{ stores({AROUND_PARIS}) {{ totalCount }} }}"
STOCK_AROUND = f"""
query($sku: String!, $km: Float) {{ product(sku: $sku) {{ nearestAvailability({AROUND_PARIS}) {{ quantity }} }} }}"""
SEARCH_AROUND_INFINITY = """
{ searchProducts(availableAt: {near: {latitude: 48.8566, longitude: 2.3522}, radiusKm: 1e999}) { totalCount } }"""


def sku(stack: Stack) -> str:
    return next(p.sku for p in stack.world.products if not p.delisted)


@pytest.mark.parametrize("km", [200.5, 3000, 0, -5])
@pytest.mark.parametrize(("document", "calls"), [
    (SEARCH_AROUND, {}),
    (STORES_AROUND, {}),
    (STOCK_AROUND, {ERP_PRODUCT: 1}),  # the product itself, never its stock
])
async def test_a_radius_out_of_bounds_is_bad_input_before_any_stock_is_read(
        stack: Stack, document: str, calls: dict[str, int], km: float) -> None:
    body = await stack.graphql(document, {"km": km, "sku": sku(stack)})

    [error] = body["errors"]
    assert error["message"] == f"`radiusKm` must be more than 0 and at most 200, got {km:g}"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert await stack.calls() == calls


async def test_an_infinite_radius_is_bad_input(stack: Stack) -> None:
    body = await stack.graphql(SEARCH_AROUND_INFINITY)

    assert [e["message"] for e in body["errors"]] == ["`radiusKm` must be more than 0 and at most 200, got inf"]
    assert await stack.calls() == {}


async def test_the_bound_itself_is_allowed(stack: Stack) -> None:
    data = await stack.data(STORES_AROUND, {"km": 200})

    assert data["stores"]["totalCount"] == len(stores_within(stack.world, 200))
