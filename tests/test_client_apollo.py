"""Apollo Client 4 with its persisted-queries link, as the mobile app runs it: the APQ round trip on the wire,
and the error shapes the app's code gets."""

from typing import Any

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from tests.harness import Stack, bearer
from tests.node_clients import run_script
from tests.test_gateway_batching import PARIS, sellable_products

PRODUCT_PAGE = """
query ProductPage($sku: String!, $near: GeoPointInput!) {
  product(sku: $sku) {
    sku name brand images { url altText }
    price { amount { amount currencyCode } compareAt { amount } }
    nearestAvailability(near: $near, first: 3) { quantity store { name } }
  }
}"""
OTHER_CUSTOMER = "query Profile($id: ID!) { customer(id: $id) { firstName } }"
STORES = "query Stores { stores(first: 1) { totalCount } }"


async def apollo(stack: Stack) -> dict[str, Any]:
    world = stack.world
    me, other = world.customers[0], world.customers[1]
    result: dict[str, Any] = await run_script("apq.mjs", {
        "url": stack.gateway_url,
        "document": PRODUCT_PAGE,
        "variables": {"sku": sellable_products(world)[0].sku, "near": PARIS},
        "refused": {"document": OTHER_CUSTOMER, "variables": {"id": global_id("Customer", other.crm_id)},
                    "headers": bearer(Role.CUSTOMER, me.crm_id)},
        "unauthenticated": {"document": STORES, "headers": {"X-Api-Key": "og_not-a-key"}},
    })
    return result


def without_typename(value: Any) -> Any:
    """The data as sent by Omnigate: Apollo's cache asks every object for its __typename."""
    if isinstance(value, dict):
        return {key: without_typename(item) for key, item in value.items() if key != "__typename"}
    if isinstance(value, list):
        return [without_typename(item) for item in value]
    return value


async def test_apq_misses_then_sends_the_document_then_hits(stack: Stack) -> None:
    # given the answer Omnigate gives the same document sent in full
    product = sellable_products(stack.world)[0]
    expected = await stack.data(PRODUCT_PAGE, {"sku": product.sku, "near": PARIS}, headers={})
    # when one app session queries it, then a second session queries it again
    result = await apollo(stack)
    first, again = result["first"]["exchanges"], result["again"]["exchanges"]
    sha = first[0]["sentHash"]
    # then the first sends the hash alone, is told PERSISTED_QUERY_NOT_FOUND (400: Apollo Client asks for
    # application/graphql-response+json), and retries with the document
    assert first == [
        {"sentDocument": False, "sentHash": sha, "status": 400, "codes": ["PERSISTED_QUERY_NOT_FOUND"]},
        {"sentDocument": True, "sentHash": sha, "status": 200, "codes": []},
    ]
    # and the second needs the hash alone
    assert again == [{"sentDocument": False, "sentHash": sha, "status": 200, "codes": []}]
    # and both get Omnigate's answer
    assert expected["product"]["name"] == product.name
    assert without_typename(result["first"]["data"]) == without_typename(result["again"]["data"]) == expected


async def test_the_app_sees_codes_on_refusals_and_on_a_bad_credential(stack: Stack) -> None:
    # when a signed-in customer asks for another customer, and a client sends a key nobody issued
    result = await apollo(stack)
    # then the refusal is a CombinedGraphQLErrors with the field's path, its code and the data around it
    assert result["refused"]["error"] == {
        "kind": "CombinedGraphQLErrors", "data": {"customer": None},
        "errors": [{"path": ["customer"], "code": "FORBIDDEN"}],
    }
    # and the bad credential, refused with HTTP 401, the same kind of error with no data
    assert result["unauthenticated"]["error"] == {
        "kind": "CombinedGraphQLErrors", "data": None, "errors": [{"path": None, "code": "UNAUTHENTICATED"}],
    }
    assert [exchange["status"] for exchange in result["unauthenticated"]["exchanges"]] == [401]
