"""The operation cache (`gateway/operation_cache.py`): a repeated document is parsed and validated once, on
every path (POST, GET, persisted); two documents never share an answer; every limit still applies to a cached
document, the cost under this request's variables; errors are the same bytes cached, uncached and with the
cache off; and the cache holds at most `OMNIGATE_OPERATION_CACHE_SIZE` documents."""

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from simulators.world import World
from tests.harness import Stack, api_key, running_stack
from tests.test_gateway_metrics import scrape, value


@pytest.fixture
async def stack(live_world: World) -> AsyncIterator[Stack]:
    """With the response cache off: it would answer a repeated anonymous query before this cache is reached."""
    async with running_stack(live_world, {"OMNIGATE_RESPONSE_CACHE_MB": "0"}) as stack:
        await stack.warm()
        yield stack


GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}
STORE_COUNT = "query StoreCount { stores(first: 1) { totalCount } }"
STORE_PAGE = "query StorePage { stores(first: 2) { edges { node { code } } } }"
NESTED_ACCESSORIES = ("query Accessories($n: Int) { products(skus: [\"A\"]) { accessories(first: $n) { "
                      "accessories(first: $n) { accessories(first: $n) { name } } } } }")
TWO_OPERATIONS = "query A { __typename } query B { stores(first: 1) { totalCount } }"
TOO_DEEP = '{ product(sku: "X") { ' + "accessories { " * 15 + "name" + " }" * 15 + " } }"
TOO_MANY_ALIASES = "{ " + " ".join(f"s{i}: stores {{ totalCount }}" for i in range(31)) + " }"
UNKNOWN_FIELD = "{ stores(first: 1) { totalCount nope } }"
BROKEN = "{ stores(first: 1) { totalCount "
REFUSED = [  # (document, operationName, variables): each refused before it runs
    (TOO_DEEP, None, {}),
    (TOO_MANY_ALIASES, None, {}),
    (NESTED_ACCESSORIES, None, {"n": 100}),
    (TWO_OPERATIONS, None, {}),
    (TWO_OPERATIONS, "C", {}),
    (UNKNOWN_FIELD, None, {}),
    (BROKEN, None, {}),
]
SERVICE_AND_STORES = "{ _service { sdl } stores(first: 1) { totalCount } }"


async def raw_post(stack: Stack, body: Any, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    async with stack.http.post(f"{stack.gateway_url}/graphql", json=body,
                               headers={**GRAPHQL_RESPONSE, **(headers or {})}) as r:
        return r.status, await r.read()


async def post(stack: Stack, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with stack.http.post(f"{stack.gateway_url}/graphql", json=body,
                               headers={**GRAPHQL_RESPONSE, **(headers or {})}) as r:
        return r.status, await r.json()


async def get(stack: Stack, params: dict[str, str]) -> tuple[int, Any]:
    async with stack.http.get(f"{stack.gateway_url}/graphql", params=params, headers=GRAPHQL_RESPONSE) as r:
        return r.status, await r.json()


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(document.encode()).hexdigest()}}


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def lookups(stack: Stack, cache: str = "operation") -> tuple[float, float]:
    """(hits, misses) so far: of documents (`operation`), or of validation outcomes strawberry was handed
    instead of validating (`validation`)."""
    samples = await scrape(stack)
    return (value(samples, "omnigate_cache_lookups_total", cache=cache, result="hit"),
            value(samples, "omnigate_cache_lookups_total", cache=cache, result="miss"))


async def test_a_repeated_document_is_prepared_once_on_every_path(stack: Stack) -> None:
    # given a document sent once
    status, first = await post(stack, {"query": STORE_COUNT})
    assert status == 200 and first["data"]["stores"]["totalCount"] > 0
    assert await lookups(stack) == (0, 1)

    # when it comes again by POST, by GET, with its APQ hash, then by the hash alone
    answers = [await post(stack, {"query": STORE_COUNT}), await get(stack, {"query": STORE_COUNT}),
               await post(stack, {"query": STORE_COUNT, "extensions": persisted(STORE_COUNT)}),
               await post(stack, {"extensions": persisted(STORE_COUNT)})]

    # then each is served from the cache, with the same answer, and graphql-core validated it only the first time
    assert answers == [(200, first)] * 4
    assert await lookups(stack) == (4, 1)
    assert await lookups(stack, "validation") == (4, 1)


async def test_two_documents_never_share_an_entry(stack: Stack) -> None:
    # when two documents alternate, each sent three times
    answers = [await post(stack, {"query": document}) for _ in range(3) for document in (STORE_COUNT, STORE_PAGE)]

    # then each gets its own answer every time, and each was prepared once
    assert all(status == 200 for status, _ in answers)
    assert [list(body["data"]["stores"]) for _, body in answers] == [["totalCount"], ["edges"]] * 3
    assert len(answers[1][1]["data"]["stores"]["edges"]) == 2
    assert await lookups(stack) == await lookups(stack, "validation") == (4, 2)


async def test_a_cached_document_s_cost_follows_its_variables_on_every_run(stack: Stack) -> None:
    # when one document is sent under a small size, a huge one, then the small one again
    runs = [await post(stack, {"query": NESTED_ACCESSORIES, "variables": {"n": n}}) for n in (1, 100, 1)]

    # then the huge size is refused at its cost though the document is cached, and the small one runs again
    assert [status for status, _ in runs] == [200, 400, 200]
    assert runs[0][1] == runs[2][1] and "errors" not in runs[0][1]
    assert runs[1][1]["errors"][0]["extensions"]["limit"] == "cost"
    assert runs[1][1]["errors"][0]["extensions"]["value"] > runs[1][1]["errors"][0]["extensions"]["max"]
    assert await lookups(stack) == (2, 1)
    assert await lookups(stack, "validation") == (1, 1)


async def test_every_refusal_is_the_same_bytes_uncached_cached_and_with_the_cache_off(live_world: World) -> None:
    # given the refusals of a gateway without the cache
    async with running_stack(live_world, {"OMNIGATE_OPERATION_CACHE_SIZE": "0"}) as off:
        without = [await raw_post(off, {"query": d, "operationName": n, "variables": v}) for d, n, v in REFUSED]
        assert await lookups(off) == await lookups(off, "validation") == (0, 0)
    async with running_stack(live_world) as on:
        # when each refused document is sent twice to a gateway with the cache
        first = [await raw_post(on, {"query": d, "operationName": n, "variables": v}) for d, n, v in REFUSED]
        again = [await raw_post(on, {"query": d, "operationName": n, "variables": v}) for d, n, v in REFUSED]

        # then every one is refused both times, with the bytes the uncached gateway answered
        assert again == first == without
        assert [status for status, _ in first] == [400] * len(REFUSED)
        assert await lookups(on) == (len(REFUSED) + 1, len(REFUSED) - 1)  # TWO_OPERATIONS is sent twice a round
        assert await lookups(on, "validation") == (1, 1)  # only UNKNOWN_FIELD is within every limit


async def test_several_operations_without_a_name_are_refused_every_time_on_every_path(stack: Stack) -> None:
    for _ in range(2):
        status, body = await post(stack, {"query": TWO_OPERATIONS})
        assert (status, codes(body)) == (400, ["BAD_USER_INPUT"])
        status, body = await get(stack, {"query": TWO_OPERATIONS})
        assert (status, codes(body)) == (400, ["BAD_USER_INPUT"])
        status, body = await post(stack, {"query": TWO_OPERATIONS, "extensions": persisted(TWO_OPERATIONS)})
        assert (status, codes(body)) == (400, ["BAD_USER_INPUT"])
    # while naming one runs it, from the same entry
    status, body = await post(stack, {"query": TWO_OPERATIONS, "operationName": "B"})
    assert status == 200 and body["data"]["stores"]["totalCount"] > 0
    assert await lookups(stack) == (6, 1)


async def test_validation_is_cached_per_view_of_the_schema(stack: Stack) -> None:
    # when a router and an anonymous client send the same document, each twice, in turn
    router = api_key(stack.keys.router)
    runs = [await post(stack, {"query": SERVICE_AND_STORES}, headers) for _ in range(2) for headers in (router, {})]

    # then the router is refused the root field it may not select, and the anonymous client is not
    assert [codes(body) for _, body in runs[::2]] == [["FORBIDDEN"]] * 2
    anonymous = [("errors" in body, body["data"]["stores"]["totalCount"] > 0) for _, body in runs[1::2]]
    assert anonymous == [(False, True)] * 2
    assert await lookups(stack, "validation") == (2, 2)  # validated once for each


async def test_the_cache_holds_at_most_its_size(live_world: World) -> None:
    async with running_stack(live_world, {"OMNIGATE_OPERATION_CACHE_SIZE": "2"}) as stack:
        # when three documents are sent, then the last and the first again
        for document in (STORE_COUNT, STORE_PAGE, TWO_OPERATIONS, TWO_OPERATIONS, STORE_COUNT):
            status, _ = await post(stack, {"query": document, "operationName": "B" if "query B" in document else None})
            assert status == 200

        # then the last hits, and the first was evicted (least recently used) and is prepared again
        assert await lookups(stack) == (1, 4)
