"""Client mistakes in the request itself: which operation to run, variables that do not fit, documents that
never validate. Each is the client's error (4xx under graphql-response+json, a code that says what is wrong,
nothing logged as an error), and no limit can be skipped by the way an operation is chosen."""

import hashlib
import logging
from typing import Any

import pytest

from simulators.world import World
from tests.harness import Stack, running_stack

GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}
FORTY_ALIASES = "query A { " + " ".join(f"a{i}: __typename" for i in range(40)) + " } query B { __typename }"
PRODUCT_BY_SKU = "query Product($sku: String!) { product(sku: $sku) { name } }"
STORES_NEAR = "query Near($near: GeoPointInput!) { stores(near: $near, first: 1) { totalCount } }"
UNKNOWN_FIELD = "{ stores(first: 1) { totalCount nope } }"
BROKEN = "{ stores(first: 1) { totalCount "


async def post(stack: Stack, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with stack.http.post(f"{stack.gateway_url}/graphql", json=body, headers=headers or GRAPHQL_RESPONSE) as r:
        return r.status, await r.json()


async def get(stack: Stack, params: dict[str, str]) -> tuple[int, Any]:
    async with stack.http.get(f"{stack.gateway_url}/graphql", params=params, headers=GRAPHQL_RESPONSE) as r:
        return r.status, await r.json()


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(document.encode()).hexdigest()}}


async def test_several_operations_without_a_name_are_refused_on_every_path(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_ALLOW_BATCHING": "true"}) as stack:
        # POST
        status, body = await post(stack, {"query": FORTY_ALIASES})
        assert (status, codes(body)) == (400, ["BAD_USER_INPUT"]) and "data" not in body
        assert "operationName" in body["errors"][0]["message"]
        # GET
        status, body = await get(stack, {"query": FORTY_ALIASES})
        assert (status, codes(body)) == (400, ["BAD_USER_INPUT"])
        # APQ: the text with its hash, then the hash alone (never registered)
        status, body = await post(stack, {"query": FORTY_ALIASES, "extensions": persisted(FORTY_ALIASES)})
        assert (status, codes(body)) == (400, ["BAD_USER_INPUT"])
        status, body = await post(stack, {"extensions": persisted(FORTY_ALIASES)})
        assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
        # one item of a batch
        status, body = await post(stack, [{"query": "{ __typename }"}, {"query": FORTY_ALIASES}])
        assert status == 200 and body[0]["data"] == {"__typename": "Query"}
        assert codes(body[1]) == ["BAD_USER_INPUT"]


async def test_the_named_operation_is_the_one_measured(stack: Stack) -> None:
    status, body = await post(stack, {"query": FORTY_ALIASES, "operationName": "A"})
    assert (status, codes(body)) == (400, ["OPERATION_LIMIT_EXCEEDED"])
    assert body["errors"][0]["extensions"] == {"code": "OPERATION_LIMIT_EXCEEDED", "limit": "aliases",
                                               "value": 40, "max": 30}
    status, body = await post(stack, {"query": FORTY_ALIASES, "operationName": "B"})
    assert (status, body["data"]) == (200, {"__typename": "Query"})


async def test_an_unknown_operation_name_is_the_client_s_error(stack: Stack) -> None:
    status, body = await post(stack, {"query": "query A { __typename }", "operationName": "Z"})
    assert (status, codes(body)) == (400, ["BAD_USER_INPUT"])
    assert body["errors"][0]["message"] == "the document holds no operation named 'Z'"


@pytest.mark.parametrize(("document", "variables", "says"), [
    (PRODUCT_BY_SKU, {"sku": 12}, "String cannot represent a non string value: 12"),
    (PRODUCT_BY_SKU, {}, "Expected a value of non-null type 'String!' to be provided."),
    (PRODUCT_BY_SKU, {"sku": None}, "Expected value of non-null type 'String!' not to be None."),
    (STORES_NEAR, {"near": {"lat": 45.7}}, "to include required field 'latitude'"),
    (STORES_NEAR, {"near": {"latitude": float("inf"), "longitude": 2.0}}, "Float cannot represent non numeric"),
    (STORES_NEAR, {"near": [[[[45.7]]]]}, "Expected value of type 'GeoPointInput' to be an object"),
])
async def test_variables_that_do_not_fit_are_bad_user_input_and_not_logged_as_errors(
        stack: Stack, caplog: pytest.LogCaptureFixture, document: str, variables: dict[str, Any], says: str) -> None:
    with caplog.at_level(logging.INFO):
        status, body = await post(stack, {"query": document, "variables": variables})
    assert status == 400 and "data" not in body
    assert set(codes(body)) == {"BAD_USER_INPUT"}
    assert says in body["errors"][0]["message"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_non_finite_number_in_the_json_is_bad_user_input(stack: Stack) -> None:
    raw = '{"query": "' + STORES_NEAR + '", "variables": {"near": {"latitude": 1e400, "longitude": 2}}}'
    async with stack.http.post(f"{stack.gateway_url}/graphql", data=raw,
                               headers={**GRAPHQL_RESPONSE, "Content-Type": "application/json"}) as r:
        assert r.status == 400 and codes(await r.json()) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("raw", ['{"query": ' + "[" * 3000 + "]" * 3000 + "}", "[" * 100_000])
async def test_json_nested_thousands_deep_is_400_not_a_crash(live_world: World, raw: str) -> None:
    async with running_stack(live_world, {"OMNIGATE_MAX_BODY_BYTES": "200000"}) as stack, stack.http.post(
            f"{stack.gateway_url}/graphql", data=raw, headers={"Content-Type": "application/json"}) as r:
        body = await r.json()
    assert (r.status, body["errors"][0]["extensions"]["code"]) == (400, "BAD_REQUEST")
    assert body["errors"][0]["message"] == "the body is nested too deeply"


async def test_deeply_nested_variables_over_get_are_400(stack: Stack) -> None:
    status, body = await get(stack, {"query": STORES_NEAR, "variables": "[" * 2000})
    assert status == 400 and body["errors"][0]["message"] == "`variables` is nested too deeply"


@pytest.mark.parametrize("document", [UNKNOWN_FIELD, BROKEN])
async def test_apq_never_registers_a_document_that_does_not_validate(stack: Stack, document: str) -> None:
    # given a document sent with its hash, refused
    status, body = await post(stack, {"query": document, "extensions": persisted(document)})
    assert status == 400 and codes(body)[0] in ("GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED")

    # when the client retries with the hash alone, then it was not stored
    status, body = await post(stack, {"extensions": persisted(document)})
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_apq_registers_a_valid_document_even_when_its_variables_were_wrong(stack: Stack) -> None:
    status, body = await post(stack, {"query": PRODUCT_BY_SKU, "variables": {"sku": 1},
                                      "extensions": persisted(PRODUCT_BY_SKU)})
    assert codes(body) == ["BAD_USER_INPUT"]
    status, body = await post(stack, {"variables": {"sku": "nope"}, "extensions": persisted(PRODUCT_BY_SKU)})
    assert (status, body.get("errors")) == (200, None)
