"""The HTTP edge as routers and browsers meet it: the client's address behind trusted proxies (so rate limits are
per shopper, not per router), compressed answers, and CORS that lets browser clients see every answer."""

import gzip
import json
from typing import Any

import aiohttp
import brotli
import pytest

from simulators.world import World
from tests.harness import Stack, running_stack

HEALTHY = "{ stores(first: 1) { totalCount } }"
PRODUCTS = "query Bulk($skus: [String!]!) { products(skus: $skus) { sku name brand description } }"
ORIGIN = "https://kiosk.example"
ONE_A_MINUTE = {"OMNIGATE_RATE_LIMITS": "anonymous=1/m"}  # a bucket of one


async def status_of(stack: Stack, headers: dict[str, str]) -> int:
    async with stack.http.post(f"{stack.gateway_url}/graphql", json={"query": HEALTHY}, headers=headers) as r:
        return r.status


async def statuses(stack: Stack, headers: dict[str, str], times: int) -> list[int]:
    return [await status_of(stack, headers) for _ in range(times)]


async def test_behind_a_trusted_router_each_shopper_has_a_bucket(live_world: World) -> None:
    environ = {**ONE_A_MINUTE, "OMNIGATE_TRUSTED_PROXIES": "127.0.0.0/8, 10.0.0.0/8"}
    async with running_stack(live_world, environ) as stack:
        # given two shoppers behind the router (and a load balancer in 10/8)
        first = {"X-Forwarded-For": "203.0.113.1, 10.0.0.7"}
        second = {"Forwarded": 'for="[2001:db8::17]:4711";proto=https, for=10.0.0.7'}

        # then each has a bucket of its own
        assert await statuses(stack, first, 2) == [200, 429]
        assert await statuses(stack, second, 2) == [200, 429]
        # and what a client writes left of the router's entry changes nothing
        assert await status_of(stack, {"X-Forwarded-For": "198.51.100.9, 203.0.113.1"}) == 429


async def test_forwarding_headers_from_an_untrusted_peer_are_ignored(live_world: World) -> None:
    async with running_stack(live_world, ONE_A_MINUTE) as stack:
        assert await status_of(stack, {"X-Forwarded-For": "203.0.113.1"}) == 200
        assert await status_of(stack, {"X-Forwarded-For": "203.0.113.2"}) == 429  # still the peer's bucket


async def test_a_hop_a_trusted_proxy_wrote_badly_falls_back_to_the_peer(live_world: World) -> None:
    environ = {**ONE_A_MINUTE, "OMNIGATE_TRUSTED_PROXIES": "127.0.0.1"}
    async with running_stack(live_world, environ) as stack:
        assert await status_of(stack, {"X-Forwarded-For": "not-an-address"}) == 200
        assert await status_of(stack, {"X-Forwarded-For": "unknown"}) == 429


@pytest.fixture
async def raw(stack: Stack) -> Any:
    """A client that leaves bodies as the server sent them."""
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        yield session


async def fetch(raw: aiohttp.ClientSession, stack: Stack, body: dict[str, Any],
                accept_encoding: str) -> tuple[str | None, bytes]:
    async with raw.post(f"{stack.gateway_url}/graphql", json=body,
                        headers={"Accept-Encoding": accept_encoding}) as r:
        assert r.status == 200
        return r.headers.get("Content-Encoding"), await r.read()


@pytest.mark.parametrize(("accept", "coding"), [("gzip, deflate, br", "br"), ("gzip", "gzip"),
                                                ("br;q=0, gzip", "gzip"), ("identity", None), ("", None)])
async def test_large_answers_are_compressed_as_the_client_prefers(stack: Stack, raw: aiohttp.ClientSession,
                                                                  accept: str, coding: str | None) -> None:
    skus = [p.sku for p in stack.world.products[:100]]
    plain = json.dumps(await stack.data(PRODUCTS, {"skus": skus}, headers={})).encode()

    got, body = await fetch(raw, stack, {"query": PRODUCTS, "variables": {"skus": skus}}, accept)

    assert got == coding
    decoded = brotli.decompress(body) if coding == "br" else gzip.decompress(body) if coding == "gzip" else body
    assert json.loads(decoded)["data"] == json.loads(plain)
    if coding is not None:
        assert len(body) * 4 < len(decoded), (len(body), len(decoded))


async def test_tiny_answers_are_not_compressed(stack: Stack, raw: aiohttp.ClientSession) -> None:
    coding, body = await fetch(raw, stack, {"query": HEALTHY}, "gzip, br")
    assert coding is None and len(body) < 1024


async def test_preflight_allows_the_headers_browser_clients_send(live_world: World) -> None:
    sent = "traceparent, tracestate, apollographql-client-name, apollographql-client-version, " \
           "apollo-require-preflight, content-type, authorization"
    async with running_stack(live_world, {"OMNIGATE_CORS_ORIGINS": ORIGIN}) as stack, stack.http.options(
            f"{stack.gateway_url}/graphql", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": sent}) as r:
        allowed = {h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")}
    assert r.status == 204 and {h.strip() for h in sent.split(",")} <= allowed


async def test_error_answers_carry_cors_headers_so_the_app_can_read_them(live_world: World) -> None:
    environ = {"OMNIGATE_CORS_ORIGINS": ORIGIN, **ONE_A_MINUTE}
    async with running_stack(live_world, environ) as stack:
        url, origin = f"{stack.gateway_url}/graphql", {"Origin": ORIGIN}
        answers = []
        async with stack.http.post(url, data=b"{" + b" " * 70_000 + b"}",
                                   headers={**origin, "Content-Type": "application/json"}) as r:
            answers.append((r.status, r.headers.get("Access-Control-Allow-Origin"), await r.json()))
        async with stack.http.post(url, json={"query": HEALTHY}, headers={**origin, "Authorization": "Bearer x"}) as r:
            answers.append((r.status, r.headers.get("Access-Control-Allow-Origin"), await r.json()))
        for _ in range(2):
            async with stack.http.post(url, json={"query": HEALTHY}, headers=origin) as r:
                last = (r.status, r.headers.get("Access-Control-Allow-Origin"), await r.json())
        answers.append(last)

    assert [(status, allow) for status, allow, _ in answers] == [(413, ORIGIN), (401, ORIGIN), (429, ORIGIN)]
    assert [body["errors"][0]["extensions"]["code"] for _, _, body in answers] == [
        "PAYLOAD_TOO_LARGE", "UNAUTHENTICATED", "RATE_LIMITED"]
