"""Whole responses kept for anonymous and partner queries of public data: reused per document, variables and
caller class, never for customer data or other callers, never past the TTL of what they hold, and outdated at
once by a write."""

import asyncio
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from gateway.response_plan import Kind, public_kinds
from gateway.schema import build_schema
from gateway.schema.relay import global_id
from simulators.world import World
from tests.harness import STAFF, Stack, api_key, running_stack
from tests.test_gateway_batching import sellable_products
from tests.test_gateway_reservations import STORE, customer, few_left, reserve

PRODUCT = "query P($sku: String!) { product(sku: $sku) { sku name price { amount { amount } } } }"
STOCK = """
query S($sku: String!, $store: ID!) {
  product(sku: $sku) { sku availabilityInStore(storeId: $store) { quantity } }
}"""
NAME = "query N($sku: String!) { product(sku: $sku) { name } }"
ANONYMOUS: dict[str, str] = {}


def hit(body: dict[str, Any]) -> bool:
    return bool(body.get("extensions", {}).get("responseCache", {}).get("hit"))


async def test_a_repeated_anonymous_query_is_answered_whole_from_the_cache(stack: Stack) -> None:
    sku = sellable_products(stack.world)[0].sku
    first = await stack.graphql(PRODUCT, {"sku": sku}, ANONYMOUS)
    await stack.reset_calls()
    second = await stack.graphql(PRODUCT, {"sku": sku}, ANONYMOUS)
    assert not hit(first) and hit(second)
    assert second["data"] == first["data"] and await stack.calls() == {}
    assert second["extensions"]["responseCache"]["ageMs"] >= 0


async def test_other_variables_and_other_callers_get_their_own_answers(stack: Stack) -> None:
    one, other = (p.sku for p in sellable_products(stack.world)[1:3])
    await stack.graphql(PRODUCT, {"sku": one}, ANONYMOUS)
    answer = await stack.graphql(PRODUCT, {"sku": other}, ANONYMOUS)
    assert not hit(answer) and answer["data"]["product"]["sku"] == other
    partner, catalog_partner = api_key(stack.keys.partner), api_key(stack.keys.catalog_partner)
    assert not hit(await stack.graphql(PRODUCT, {"sku": one}, partner))
    assert hit(await stack.graphql(PRODUCT, {"sku": one}, partner))
    refused = await stack.graphql(PRODUCT, {"sku": one}, catalog_partner)  # no `prices` scope: its own answer
    assert not hit(refused) and refused["errors"]


@pytest.mark.parametrize("headers", [STAFF, None], ids=["staff", "kiosk"])
async def test_callers_who_may_see_more_are_never_served_from_it(stack: Stack,
                                                                  headers: dict[str, str] | None) -> None:
    sku = sellable_products(stack.world)[3].sku
    sent = headers if headers is not None else api_key(stack.keys.kiosk)
    await stack.graphql(PRODUCT, {"sku": sku}, ANONYMOUS)
    assert not hit(await stack.graphql(PRODUCT, {"sku": sku}, sent))
    assert not hit(await stack.graphql(PRODUCT, {"sku": sku}, sent))


async def test_a_hold_outdates_kept_stock_at_once(stack: Stack) -> None:
    product, left = few_left(stack)
    variables = {"sku": product.sku, "store": global_id("Store", STORE)}
    partner = api_key(stack.keys.partner)
    before = await stack.graphql(STOCK, variables, partner)
    assert hit(await stack.graphql(STOCK, variables, partner))
    assert before["data"]["product"]["availabilityInStore"]["quantity"] == left
    await stack.data(NAME, {"sku": product.sku}, partner)
    await reserve(stack, customer(), sku=product.sku, quantity=1, key="one")
    after = await stack.graphql(STOCK, variables, partner)
    assert not hit(after) and after["data"]["product"]["availabilityInStore"]["quantity"] == left - 1
    assert hit(await stack.graphql(NAME, {"sku": product.sku}, partner))  # a hold changes no name


async def test_nothing_is_kept_past_the_ttl_of_what_it_holds(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_STOCK_TTL_S": "0.3"}) as stack:
        product = sellable_products(stack.world)[5]
        variables = {"sku": product.sku, "store": global_id("Store", STORE)}
        for query, values in ((STOCK, variables), (NAME, {"sku": product.sku})):
            await stack.graphql(query, values, ANONYMOUS)
        await asyncio.sleep(0.4)
        assert not hit(await stack.graphql(STOCK, variables, ANONYMOUS))
        assert hit(await stack.graphql(NAME, {"sku": product.sku}, ANONYMOUS))


async def test_an_answer_with_an_error_is_not_kept(stack: Stack) -> None:
    product = sellable_products(stack.world)[6]
    variables = {"sku": product.sku, "store": global_id("Store", STORE)}
    await stack.fault(system="pos", down=True)
    first = await stack.graphql(STOCK, variables, ANONYMOUS)
    assert first["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    await stack.fault(system="pos", down=False)
    second = await stack.graphql(STOCK, variables, ANONYMOUS)
    assert not hit(second) and "errors" not in second


def kinds_of(text: str) -> frozenset[Kind] | None:
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return public_kinds(build_schema()._schema, document, operation)


def test_only_public_data_makes_a_document_cacheable() -> None:
    assert kinds_of(PRODUCT) == frozenset({Kind.CATALOG, Kind.PRICE})
    assert kinds_of(STOCK) == frozenset({Kind.CATALOG, Kind.STOCK})
    assert kinds_of("{ stores(first: 3) { edges { node { name isOpen } } } }") == frozenset({Kind.STORE, Kind.STOCK})
    in_stock_online = '{ searchProducts(availableAt: {online: true}) { totalCount } }'
    assert kinds_of(in_stock_online) == frozenset({Kind.CATALOG, Kind.STOCK})
    assert kinds_of("{ me { firstName } }") is None
    assert kinds_of('{ product(sku: "A") { name } me { firstName } }') is None
    assert kinds_of("query { ...F } fragment F on Query { me { firstName } }") is None
    assert kinds_of('{ priceDiscrepancies { totalCount } }') is None
    assert kinds_of("{ __typename }") == frozenset()  # kept by nobody: it reads no data
    assert kinds_of('mutation { cancelReservation(id: "x") { userErrors { code } } }') is None
    assert kinds_of("{ __schema { types { name } } }") is None
