"""Operation limits: what a document is measured at, how fast, and the errors a client gets."""

from typing import Any

import graphql
import pytest
from graphql import GraphQLError, get_introspection_query

from connectors.domain import Address, GeoPoint, Store
from gateway.cost import ASSUMED_PURCHASES, Estate
from gateway.errors import ErrorCode
from gateway.geo import StoreIndex
from gateway.limits import (
    DEFAULT_LIST_SIZE,
    Measure,
    Measurer,
    OperationLimits,
    check,
    measure,
    parse_operation,
)
from gateway.schema import schema

LIMITS = OperationLimits()
PARIS = GeoPoint(48.8566, 2.3522)
KM_PER_DEGREE = 111.195  # of latitude, on the mean earth radius the index uses

ORDER_LINES = """
query Orders { me { orders(first: 5) { edges { node { ...OrderLines } } } } }
fragment OrderLines on Order { lines { product { ... on Product { accessories(first: 2) { name } } } } }
"""
SEARCH_WITH_VARIABLE = "query Search($n: Int = 3) { searchProducts(first: $n) { edges { node { sku } } } }"
SEARCH_WITH_SCHEMA_DEFAULT = "{ searchProducts { edges { node { sku } } } }"
PRODUCTS_BY_SKU = '{ products(skus: ["a", "b", "c"]) { sku images { url } } }'
PRODUCTS_BY_VARIABLE = "query Products($skus: [String!]!) { products(skus: $skus) { sku images { url } } }"
STORES_WITH_BASKET = '{ stores(inStockSkus: ["a", "b"], first: 4) { edges { node { id } } } }'
ENTITIES = '{ _entities(representations: [{}, {}]) { __typename ... on Product { sku } } }'
ALIASED_FRAGMENTS = """
{ a: product(sku: "1") { ...Names } b: product(sku: "2") { ...Names } }
fragment Names on Product { n1: name n2: name }
"""
DIRECTIVES = """
query Directives($s: Boolean!) {
  me @include(if: $s) { id @skip(if: $s) ...Name @include(if: true) ... on Customer @skip(if: false) { email } }
}
fragment Name on Customer { firstName @include(if: $s) }
"""
UNKNOWN_FIELDS = '{ nosuch { deeper { x } } product(sku: "1") { bogus(first: 1000) { y } } ...Missing ...OnNothing }'
UNKNOWN_TYPE_FRAGMENT = "fragment OnNothing on Nope { a { b } }"
TWO_OPERATIONS = "query A { me { id } } query B { me { id firstName } }"
CYCLE = "{ ...A } fragment A on Query { ...B me { id } } fragment B on Query { ...A }"
SELF_CYCLE = "{ ...A } fragment A on Query { me { id } ...A }"


def fragment_tower(levels: int) -> str:
    """Each fragment spreads the one below it twice, under two aliased lists: 2**levels leaves inlined."""
    fragments = ["fragment F0 on Product { sku }"]
    fragments += [f"fragment F{i} on Product {{ a: accessories(first: 1) {{ ...F{i - 1} }} "
                  f"b: accessories(first: 1) {{ ...F{i - 1} }} }}" for i in range(1, levels + 1)]
    return f'{{ product(sku: "1") {{ ...F{levels} }} }} ' + " ".join(fragments)


def fragment_chain(length: int) -> str:
    """A chain of fragments, each one field deeper: far deeper than Python's recursion limit allows a walk."""
    fragments = [f"fragment C{i} on Product {{ accessories {{ ...C{i + 1} }} }}" for i in range(length)]
    return f'{{ product(sku: "1") {{ ...C0 }} }} fragment C{length} on Product {{ sku }} ' + " ".join(fragments)


def store(code: str, km_north_of_paris: float, active: bool = True) -> Store:
    location = GeoPoint(PARIS.latitude + km_north_of_paris / KM_PER_DEGREE, PARIS.longitude)
    return Store(code, code, Address("1 rue", "75001", "Paris", "FR"), location, "Europe/Paris", (), frozenset(),
                 active)


# Active stores 1, 10, 100 and 300 km north of Paris, and a closed one 1 km away; a catalog of 1,000 articles.
ESTATE = Estate(StoreIndex([store("S1", 1), store("S10", 10), store("S100", 100), store("S300", 300),
                            store("SHUT", 1, active=False)]), catalog=1000, max_radius_km=200)


def measured(query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None,
             estate: Estate = ESTATE) -> Measure:
    return measure(parse_operation(query, LIMITS), schema._schema, operation_name, variables or {}, estate)


def test_depth_and_cost_follow_fragments_and_sizes() -> None:
    # orders(first: 5) sizes its edges; lines is an unsized list (10); accessories(first: 2) sizes itself.
    # name 1, accessories 1+2*1=3, product 1+3=4, lines 1+10*4=41, node 42, edges 43,
    # orders 1 + every web order of the customer + 5*43, me 1 more
    assert measured(ORDER_LINES) == Measure(depth=8, aliases=0, directives=0, cost=1 + 1 + ASSUMED_PURCHASES + 5 * 43)


def test_first_comes_from_the_variable_its_default_or_the_schema_default() -> None:
    # sku 1, node 2, edges 3 (sized by first), searchProducts 1 + first * 3
    assert measured(SEARCH_WITH_VARIABLE).cost == 1 + 3 * 3
    assert measured(SEARCH_WITH_VARIABLE, {"n": 50}).cost == 1 + 50 * 3
    assert measured(SEARCH_WITH_SCHEMA_DEFAULT).cost == 1 + 20 * 3


def test_odd_sizes_are_clamped_not_trusted() -> None:
    zero = measured("{ searchProducts(first: 0) { totalCount } }")
    null = measured(SEARCH_WITH_VARIABLE, {"n": None})
    huge = measured("{ searchProducts(first: 99999999999999999999999) { totalCount } }")
    assert (zero.cost, null.cost) == (1 + 1, 1 + DEFAULT_LIST_SIZE * 3)
    assert huge.cost == 1 + (2**31 - 1)


def test_a_list_argument_sizes_the_list_by_its_length() -> None:
    # images is an unsized list below the sized one: 1 + 10 * url
    assert measured(PRODUCTS_BY_SKU).cost == 1 + 3 * (1 + 11)
    assert measured(PRODUCTS_BY_VARIABLE, {"skus": ["s"] * 7}).cost == 1 + 7 * (1 + 11)
    assert measured(ENTITIES).cost == 1 + 2 * 2


def test_first_wins_over_a_filtering_list_argument() -> None:
    # the result is sized by first; the basket reads no stock (the availability index holds it)
    assert measured(STORES_WITH_BASKET).cost == 1 + 4 * 3


def test_aliases_count_once_per_spread() -> None:
    assert measured(ALIASED_FRAGMENTS).aliases == 2 + 2 * 2


def test_directives_count_wherever_they_are_used() -> None:
    assert measured(DIRECTIVES, {"s": True}).directives == 5


def test_unknown_fields_fragments_and_types_cost_one_each() -> None:
    # nosuch, deeper, x, product, bogus (no multiplier), y; the missing fragment counts nothing
    assert measured(UNKNOWN_FIELDS + UNKNOWN_TYPE_FRAGMENT) == Measure(depth=3, aliases=0, directives=0, cost=6 + 2)


def test_the_operation_is_chosen_like_graphql_does() -> None:
    assert measured(TWO_OPERATIONS, operation_name="B").cost == 3
    assert measured(TWO_OPERATIONS) == Measure(0, 0, 0, 0)
    assert measured(TWO_OPERATIONS, operation_name="C") == Measure(0, 0, 0, 0)


def test_introspection_counts_as_one_leaf() -> None:
    assert measured(get_introspection_query()) == Measure(depth=1, aliases=0, directives=0, cost=1)


def test_nested_fragment_spreads_are_measured_once_each() -> None:
    # given 30 fragments, each spreading the one below twice: 2**30 copies once inlined
    measurer = Measurer(parse_operation(fragment_tower(30), LIMITS), schema._schema, None, {}, ESTATE)

    # when
    result = measurer.measure()

    # then the walk visits each fragment's 4 selections once, and the measure is the inlined one
    assert measurer.visits <= 4 * 31 + 2
    assert result.aliases == 2**31 - 2
    assert result.depth == 32
    assert result.cost == 1 + (2**31 - 2) + 2**30  # product, 2 + 4 + ... + 2**30 accessories, 2**30 skus


def test_a_chain_deeper_than_the_recursion_limit_is_measured() -> None:
    document = graphql.parse(fragment_chain(3000))  # no token limit here: the walk itself is under test

    result = measure(document, schema._schema, None, {}, ESTATE)

    assert result.depth == 3000 + 2
    assert result.cost == 2**53  # saturated: ten accessories per level, 3000 levels down


@pytest.mark.parametrize("query", [CYCLE, SELF_CYCLE])
def test_fragment_cycles_terminate(query: str) -> None:
    assert measured(query) == Measure(depth=2, aliases=0, directives=0, cost=2)


def test_every_limit_exceeded_is_reported_with_its_value() -> None:
    errors = check(Measure(depth=15, aliases=31, directives=50, cost=20001), LIMITS)

    assert [error.message for error in errors] == [
        "query depth 15 exceeds the limit of 12",
        "alias count 31 exceeds the limit of 30",
        "query cost 20001 exceeds the limit of 20000",
    ]
    limit = ErrorCode.OPERATION_LIMIT_EXCEEDED
    assert errors[0].extensions == {"code": limit, "limit": "depth", "value": 15, "max": 12}


def test_a_measure_within_the_limits_passes() -> None:
    assert check(measured(ORDER_LINES), LIMITS) == []


def test_a_syntax_error_carries_the_parse_code_and_location() -> None:
    with pytest.raises(GraphQLError) as caught:
        parse_operation("{ me { id }", LIMITS)

    assert caught.value.extensions == {"code": ErrorCode.GRAPHQL_PARSE_FAILED}
    assert caught.value.locations is not None


@pytest.mark.parametrize("padding", ["a b c ", "# comment\n"])
def test_too_many_tokens_or_comments_carry_the_limit_code(padding: str) -> None:
    with pytest.raises(GraphQLError) as caught:
        parse_operation("{ " + padding * 30 + "}", OperationLimits(max_tokens=20))

    assert caught.value.message == "query token count exceeds the limit of 20"
    assert caught.value.extensions == {"code": ErrorCode.OPERATION_LIMIT_EXCEEDED, "limit": "tokens", "max": 20}


def test_a_document_at_the_token_limit_parses() -> None:
    assert parse_operation("{ a }", OperationLimits(max_tokens=3)).definitions
