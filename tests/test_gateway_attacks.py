"""Hostile and malformed requests: each refused fast with a 4xx or a coded GraphQL error, and the
gateway keeps serving. The closing note lists each attack and its answer from these tests."""

import hashlib
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.schema import schema
from simulators.world import World
from tests.harness import PRODUCTION, SAFELISTED, STAFF, Stack, api_key, running_stack

HEALTHY = "{ stores(first: 1) { totalCount } }"


async def post(stack: Stack, body: Any, headers: dict[str, str] | None = None,
               raw: bytes | None = None) -> tuple[int, dict[str, Any]]:
    kwargs: dict[str, Any] = {"data": io.BytesIO(raw)} if raw is not None else {"json": body}
    async with stack.http.post(f"{stack.gateway_url}/graphql", headers=headers or {}, **kwargs) as r:
        return r.status, (await r.json() if r.content_type.endswith("json") else {"text": await r.text()})


async def still_serving(stack: Stack) -> None:
    status, body = await post(stack, {"query": HEALTHY})
    assert status == 200 and body["data"]["stores"]["totalCount"] > 0


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


def nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"accessories {{ {inner} }}"
    return f'{{ product(sku: "X") {{ {inner} }} }}'


@pytest.mark.parametrize(("query", "expected", "limit"), [
    (nested(15), "OPERATION_LIMIT_EXCEEDED", "depth"),
    ("{ " + " ".join(f"s{i}: stores {{ totalCount }}" for i in range(31)) + " }", "OPERATION_LIMIT_EXCEEDED",
     "aliases"),
    ("{ stores { " + "totalCount " * 2500 + "} }", "OPERATION_LIMIT_EXCEEDED", None),
    ("{ stores" + " @include(if: true)" * 60 + " { totalCount } }", "OPERATION_LIMIT_EXCEEDED", "directives"),
    ('{ products(skus: ["A"]) { accessories(first: 100) { accessories(first: 100) { accessories(first: 100) '
     '{ name } } } } }', "OPERATION_LIMIT_EXCEEDED", "cost"),
    ("fragment A on Product { name ...B } fragment B on Product { sku ...A } "
     '{ product(sku: "X") { ...A } }', "GRAPHQL_VALIDATION_FAILED", None),
    ("{ stores { totalCount ", "GRAPHQL_PARSE_FAILED", None),
])
async def test_abusive_documents_are_refused_with_a_code(stack: Stack, query: str, expected: str,
                                                         limit: str | None) -> None:
    status, body = await post(stack, {"query": query}, {"Accept": "application/graphql-response+json"})
    assert status == 400, body
    assert code(body) == expected
    if limit:
        assert body["errors"][0]["extensions"]["limit"] == limit
    assert "data" not in body
    await still_serving(stack)


async def test_a_request_error_is_200_for_plain_json_clients(stack: Stack) -> None:
    status, body = await post(stack, {"query": nested(15)})
    assert status == 200 and code(body) == "OPERATION_LIMIT_EXCEEDED"


@pytest.mark.parametrize(("raw", "headers", "status"), [
    (b"{not json", {"Content-Type": "application/json"}, 400),
    (b"query=%7Bstores%7BtotalCount%7D%7D", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    (b'{"query": "{ stores { totalCount } }"}', {"Content-Type": "text/plain"}, 415),
    (b'[{"query": "{ stores { totalCount } }"}]', {"Content-Type": "application/json"}, 400),
    (b'{"query": 42}', {"Content-Type": "application/json"}, 400),
    (b'{"query": "{ stores { totalCount } }", "variables": [1]}', {"Content-Type": "application/json"}, 400),
    (b'"just a string"', {"Content-Type": "application/json"}, 400),
    (b"{}", {"Content-Type": "application/json"}, 400),
])
async def test_malformed_requests_are_4xx(stack: Stack, raw: bytes, headers: dict[str, str], status: int) -> None:
    got, body = await post(stack, None, headers, raw)
    assert got == status, body
    await still_serving(stack)


async def test_a_body_over_64_kib_is_413(stack: Stack) -> None:
    query = "{ stores { totalCount } }" + " " * (1024 * 1024)
    status, _ = await post(stack, None, {"Content-Type": "application/json"},
                           json.dumps({"query": query}).encode())
    assert status == 413
    await still_serving(stack)


async def test_a_mutation_over_get_is_405_and_a_query_over_get_answers(stack: Stack) -> None:
    async with stack.http.get(f"{stack.gateway_url}/graphql", params={"query": "mutation { x }"}) as r:
        assert r.status == 405 and r.headers["Allow"] == "POST"
    async with stack.http.get(f"{stack.gateway_url}/graphql", params={"query": HEALTHY}) as r:
        assert r.status == 200 and (await r.json())["data"]["stores"]["totalCount"] > 0


async def test_unknown_fields_are_validation_errors_with_a_suggestion_in_development(stack: Stack) -> None:
    status, body = await post(stack, {"query": "{ stors { totalCount } }"})
    assert status == 200 and code(body) == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" in body["errors"][0]["message"]


@pytest.fixture
async def production(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, PRODUCTION) as stack:
        yield stack


async def test_production_hides_introspection_suggestions_graphiql_and_cost(production: Stack) -> None:
    status, body = await post(production, {"query": "{ __schema { types { name } } }"})
    assert status == 200 and code(body) == "GRAPHQL_VALIDATION_FAILED" and "data" not in body
    _, body = await post(production, {"query": "{ stors { totalCount } }"})
    assert "Did you mean" not in body["errors"][0]["message"]
    async with production.http.get(f"{production.gateway_url}/graphql", headers={"Accept": "text/html"}) as r:
        assert r.status == 400 and "graphiql" not in (await r.text()).lower()
    _, body = await post(production, {"query": HEALTHY})
    assert "extensions" not in body and body["data"]["stores"]["totalCount"] > 0


async def test_development_reports_the_cost_and_serves_graphiql(stack: Stack) -> None:
    _, body = await post(stack, {"query": HEALTHY})
    assert body["extensions"]["cost"] >= 1
    async with stack.http.get(f"{stack.gateway_url}/graphql", headers={"Accept": "text/html"}) as r:
        assert r.status == 200 and "graphiql" in (await r.text()).lower()


async def test_automatic_persisted_queries_over_post_and_get(stack: Stack) -> None:
    digest = hashlib.sha256(HEALTHY.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    status, body = await post(stack, {"extensions": extensions})
    assert status == 200 and code(body) == "PERSISTED_QUERY_NOT_FOUND"
    status, body = await post(stack, {"query": HEALTHY, "extensions": extensions})
    assert status == 200 and body["data"]["stores"]["totalCount"] > 0
    async with stack.http.get(f"{stack.gateway_url}/graphql", params={"extensions": json.dumps(extensions)}) as r:
        assert r.status == 200 and (await r.json())["data"]["stores"]["totalCount"] > 0
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    _, body = await post(stack, {"query": HEALTHY, "extensions": wrong})
    assert code(body) == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_a_safelisted_partner_runs_listed_documents_only(stack: Stack) -> None:
    partner = api_key(stack.keys.safelist_partner)
    digest = hashlib.sha256(SAFELISTED.encode()).hexdigest()
    status, body = await post(stack, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}},
                              partner)
    assert status == 200 and body["data"]["stores"]["totalCount"] > 0
    _, body = await post(stack, {"query": HEALTHY}, partner)
    assert code(body) == "PERSISTED_QUERY_NOT_ALLOWED"


async def test_rate_limits_answer_429_with_retry_after(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_RATE_LIMITS": "anonymous=1/m"}) as stack:
        statuses = []
        for _ in range(3):
            async with stack.http.post(f"{stack.gateway_url}/graphql", json={"query": HEALTHY}, headers={}) as r:
                statuses.append(r.status)
                retry_after = r.headers.get("Retry-After")
                body = await r.json()
        assert statuses == [200, 429, 429]
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert retry_after is not None and 1 <= int(retry_after) <= 60
        status, _ = await post(stack, {"query": HEALTHY}, STAFF)  # staff: unlimited
        assert status == 200


async def test_cors_answers_configured_origins_only(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_CORS_ORIGINS": "https://kiosk.example"}) as stack:
        preflight = {"Origin": "https://kiosk.example", "Access-Control-Request-Method": "POST"}
        async with stack.http.options(f"{stack.gateway_url}/graphql", headers=preflight) as r:
            assert r.status == 204
            assert r.headers["Access-Control-Allow-Origin"] == "https://kiosk.example"
        async with stack.http.options(f"{stack.gateway_url}/graphql",
                                      headers={**preflight, "Origin": "https://evil.example"}) as r:
            assert r.status == 403 and "Access-Control-Allow-Origin" not in r.headers


async def test_an_unexpected_error_is_masked_with_a_request_id() -> None:
    result = await schema.execute(HEALTHY, context_value=object())
    assert result.errors is not None
    error = result.errors[0]
    assert error.message.startswith("Internal error (request id")
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "-"}


async def test_batched_requests_run_when_enabled_and_stay_bounded(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_ALLOW_BATCHING": "true", "OMNIGATE_MAX_BATCH": "2"}) as stack:
        status, body = await post(stack, [{"query": HEALTHY}, {"query": "{ me { id } }"}], STAFF)
        assert status == 200 and isinstance(body, list)
        assert body[0]["data"]["stores"]["totalCount"] > 0 and body[1]["data"] == {"me": None}
        status, _ = await post(stack, [{"query": HEALTHY}] * 3, STAFF)
        assert status == 400


async def test_an_execution_error_at_a_non_null_root_is_200_with_null_data(stack: Stack) -> None:
    """GraphQL over HTTP: the operation ran, so even `graphql-response+json` clients get 200."""
    status, body = await post(stack, {"query": "{ priceDiscrepancies { nodes { expected { amount } } } }"},
                              {"Accept": "application/graphql-response+json"})
    assert status == 200 and body["data"] is None and code(body) == "FORBIDDEN"
