"""Omnigate as a Federation v2 subgraph: the SDL it publishes, composition beside other subgraphs that
define their own value types, and @apollo/gateway answering across Omnigate and a reviews subgraph."""

from pathlib import Path
from typing import Any

from graphql import DocumentNode, ObjectTypeDefinitionNode, SchemaDefinitionNode, parse, print_ast

from tests.harness import Stack
from tests.node_clients import run_script
from tests.test_gateway_batching import sellable_products

SCHEMA = Path(__file__).resolve().parent.parent / "schema.graphql"
SHAREABLE = {"Address", "Attribute", "GeoPoint", "Image", "Money", "OpeningHours", "PageInfo"}

SERVICE_SDL = "{ _service { sdl } }"
SUPERGRAPH = """
query AcrossSubgraphs($sku: String!) {
  product(sku: $sku) { sku name reviews { rating body } }
  latestReviews(first: 2) { body product { sku name price { amount { amount currencyCode } } } }
  offers(first: 1) { pageInfo { hasNextPage endCursor } edges { node { seller price { amount currencyCode } } } }
}"""
OMNIGATE_PRODUCT = "query($sku: String!) { product(sku: $sku) { sku name price { amount { amount currencyCode } } } }"


def object_type(document: DocumentNode, name: str) -> ObjectTypeDefinitionNode:
    return next(d for d in document.definitions if isinstance(d, ObjectTypeDefinitionNode) and d.name.value == name)


def type_directives(document: DocumentNode, type_name: str) -> list[str]:
    """The type's directives as written, e.g. '@join__type(graph: OMNIGATE, key: "sku")'."""
    return [print_ast(directive) for directive in object_type(document, type_name).directives or ()]


def query_fields(sdl: str) -> set[str]:
    return {field.name.value for field in object_type(parse(sdl), "Query").fields or ()}


def test_value_types_other_subgraphs_define_are_shareable() -> None:
    # given the exported schema
    document = parse(SCHEMA.read_text())
    # when its object types are read
    shareable = {d.name.value for d in document.definitions if isinstance(d, ObjectTypeDefinitionNode)
                 and any(directive.name.value == "shareable" for directive in d.directives or ())}
    # then exactly the generic value types are shared
    assert shareable == SHAREABLE


def test_link_asks_for_federation_2_0_and_imports_only_what_is_used() -> None:
    # given the exported schema
    schema = next(d for d in parse(SCHEMA.read_text()).definitions if isinstance(d, SchemaDefinitionNode))
    # when its @link is read
    (link,) = schema.directives or ()
    # then it asks for the lowest version that has @key, @shareable and @inaccessible (composition 2.9 refuses v2.11)
    assert print_ast(link) == ('@link(url: "https://specs.apollo.dev/federation/v2.0", '
                               'import: ["@inaccessible", "@key", "@shareable"])')


async def test_service_sdl_is_the_exported_schema(stack: Stack) -> None:
    # when a router asks Omnigate for its SDL
    data = await stack.data(SERVICE_SDL)
    # then it is schema.graphql, which composition is checked against
    assert data["_service"]["sdl"] + "\n" == SCHEMA.read_text()


async def test_composes_beside_reviews_and_a_subgraph_with_its_own_page_info_and_money() -> None:
    # when schema.graphql is composed with the reviews and marketplace subgraphs, by current and older composition
    outcomes: dict[str, Any] = await run_script("compose.mjs", {"schemaPath": str(SCHEMA)})
    # then both compose it without an error or a hint
    assert sorted(outcomes) == ["2.14.4", "2.9.3"]
    for outcome in outcomes.values():
        assert (outcome["errors"], outcome["hints"]) == ([], [])
        supergraph = parse(outcome["supergraphSdl"])
        # and the shared value types are resolved by both subgraphs that define them
        for shared in ("PageInfo", "Money"):
            assert type_directives(supergraph, shared) == ["@join__type(graph: MARKETPLACE)",
                                                           "@join__type(graph: OMNIGATE)"]
        assert type_directives(supergraph, "Product") == ['@join__implements(graph: OMNIGATE, interface: "Node")',
                                                          '@join__type(graph: OMNIGATE, key: "sku")',
                                                          '@join__type(graph: REVIEWS, key: "sku")']
        # and Query.node, which resolves only Omnigate's ids, is left out of the supergraph's API
        assert "node" not in query_fields(outcome["apiSdl"])
        assert {"product", "latestReviews", "offers"} <= query_fields(outcome["apiSdl"])


async def test_gateway_answers_across_omnigate_and_reviews(stack: Stack) -> None:
    # given reviews of two catalog products, and a marketplace offer
    first, second = sellable_products(stack.world)[:2]
    reviews = [{"id": "r1", "sku": first.sku, "rating": 5, "body": "Clear sound"},
               {"id": "r2", "sku": second.sku, "rating": 3, "body": "Short cable"}]
    offer = {"id": "o1", "seller": "Pixel Market", "sku": first.sku,
             "price": {"amount": "129.90", "currencyCode": "EUR"}}
    # when @apollo/gateway runs one operation over Omnigate, reviews and marketplace
    answer = await run_script("supergraph.mjs", {
        "omnigateUrl": stack.gateway_url, "schemaPath": str(SCHEMA), "reviews": reviews, "offers": [offer],
        "query": SUPERGRAPH, "variables": {"sku": first.sku}})
    # then products reach their reviews, and reviews their products through Omnigate's _entities
    products = [(await stack.data(OMNIGATE_PRODUCT, {"sku": p.sku}, headers={}))["product"] for p in (first, second)]
    assert answer == {"errors": [], "data": {
        "product": {"sku": first.sku, "name": first.name, "reviews": [{"rating": 5, "body": "Clear sound"}]},
        "latestReviews": [{"body": "Clear sound", "product": products[0]},
                          {"body": "Short cable", "product": products[1]}],
        "offers": {"pageInfo": {"hasNextPage": False, "endCursor": "0"},
                   "edges": [{"node": {"seller": "Pixel Market", "price": offer["price"]}}]},
    }}
