"""Two gateway processes on one real Redis (issue 14): a rate limit, persisted queries and cache invalidations are
shared; Redis killed leaves both serving from their own state, and once it is back they share again."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gateway.auth.principals import Role
from gateway.persisted import sha256_hex
from gateway.schema.relay import global_id
from simulators.world.records import DemoProduct
from tests.direct import POS, pos_variations
from tests.gateway_process import GatewayProcess, gateway_process
from tests.harness import STAFF, bearer
from tests.processes import free_port
from tests.redis_server import RedisServer, redis_server
from tests.test_gateway_replicas import Sims, sims
from tests.test_gateway_reservations import RESERVE, STORE, few_left, reserve_input

__all__ = ["redis_server", "sims"]  # fixtures

TYPENAME = "{ __typename }"
PRODUCT_NAME = "query ProductName($sku: String!) { product(sku: $sku) { sku name } }"
SKU = "query Sku($sku: String!) { product(sku: $sku) { sku } }"
OTHER_SKU = "query OtherSku($sku: String!) { product(sku: $sku) { sku } }"
IN_STORE = """
query InStore($sku: String!, $store: ID!) {
  product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } }
}"""
INVENTORY_CHANGES = "/pos/v2/inventory/changes/batch-create"
INVENTORY_COUNTS = "POST /pos/v2/inventory/counts/batch-retrieve"
ONE_PER_MINUTE = {"OMNIGATE_RATE_LIMITS": "customer=1/m"}
SETTLE_S = 10.0  # longest wait for what crosses replicas in the background (a publish, a resubscription)


@asynccontextmanager
async def two_replicas(sims: Sims, tmp_path: Path, redis: RedisServer, **extra: str) \
        -> AsyncIterator[tuple[GatewayProcess, GatewayProcess]]:
    ledger = tmp_path / "ledger.sqlite3"
    shared = {"OMNIGATE_REDIS_URL": redis.url, **extra}
    async with gateway_process(sims.url, ledger, **shared) as a, gateway_process(sims.url, ledger, **shared) as b:
        yield a, b


async def post(http: aiohttp.ClientSession, gateway: GatewayProcess, body: dict[str, Any],
               headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{gateway.url}/graphql", json=body, headers=headers or {}) as r:
        return r.status, await r.json()


async def redis_state(http: aiohttp.ClientSession, gateway: GatewayProcess) -> str:
    async with http.get(f"{gateway.url}/status", headers=STAFF) as r:
        body = await r.json()
    state: str = body["redis"]["state"]
    return state


async def redis_up_metric(http: aiohttp.ClientSession, gateway: GatewayProcess) -> float:
    async with http.get(f"{gateway.url}/metrics") as r:
        text = await r.text()
    [line] = [line for line in text.splitlines() if line.startswith("omnigate_redis_up ")]
    return float(line.split()[1])


async def readiness(http: aiohttp.ClientSession, gateway: GatewayProcess) -> int:
    async with http.get(f"{gateway.url}/readyz") as r:
        return r.status


async def until_redis(http: aiohttp.ClientSession, gateway: GatewayProcess, state: str) -> None:
    await until(lambda: redis_state(http, gateway), state)


async def until_ready(http: aiohttp.ClientSession, gateway: GatewayProcess) -> None:
    await until(lambda: readiness(http, gateway), 200)


async def until(read: Callable[[], Awaitable[object]], expected: object) -> None:
    deadline = asyncio.get_running_loop().time() + SETTLE_S
    while (found := await read()) != expected:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.1)


def persisted(document: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(document)}}}


async def replayed(http: aiohttp.ClientSession, gateway: GatewayProcess, document: str,
                   variables: dict[str, Any]) -> object:
    """The data of a hash-only request, or its first error's code (PERSISTED_QUERY_NOT_FOUND)."""
    _, body = await post(http, gateway, {**persisted(document), "variables": variables})
    return body["errors"][0]["extensions"]["code"] if "errors" in body else body["data"]


async def in_store(http: aiohttp.ClientSession, gateway: GatewayProcess, product: DemoProduct) -> int:
    status, body = await post(http, gateway, {"query": IN_STORE, "variables": {
        "sku": product.sku, "store": global_id("Store", STORE)}})
    assert status == 200 and "errors" not in body, body
    quantity: int = body["data"]["product"]["availabilityInStore"]["quantity"]
    return quantity


async def sell_at_the_till(sims: Sims, product: DemoProduct, quantity: int) -> None:
    """A sale the gateway does not see: recorded straight in the POS, as the store's till does."""
    variation = (await pos_variations(sims.http, sims.url, [product.gtin]))[product.gtin]["id"]
    change = {"type": "ADJUSTMENT", "adjustment": {
        "from_state": "IN_STOCK", "to_state": "SOLD", "location_id": STORE, "catalog_object_id": variation,
        "quantity": str(quantity), "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z")}}
    async with sims.http.post(f"{sims.url}{INVENTORY_CHANGES}", headers=POS,
                              json={"idempotency_key": f"till-{product.sku}", "changes": [change]}) as r:
        assert r.status == 200, await r.text()


async def calls(sims: Sims) -> dict[str, int]:
    async with sims.http.get(f"{sims.url}/_sim/stats") as r:
        stats = await r.json()
    return {route: n for system in stats["systems"].values() for route, n in system["routes"].items()}


async def test_a_rate_limit_is_shared_by_two_replicas(sims: Sims, tmp_path: Path, redis_server: RedisServer) -> None:
    shopper = bearer(Role.CUSTOMER, "003OG0000000000AAA")
    async with two_replicas(sims, tmp_path, redis_server, **ONE_PER_MINUTE) as (a, b):
        first, _ = await post(sims.http, a, {"query": TYPENAME}, shopper)
        async with sims.http.post(f"{b.url}/graphql", json={"query": TYPENAME}, headers=shopper) as refused:
            body = await refused.json()
            retry_after = refused.headers.get("Retry-After")

    assert first == 200
    assert (refused.status, body["errors"][0]["extensions"]["code"]) == (429, "RATE_LIMITED")
    assert retry_after is not None and 1 <= int(retry_after) <= 60


async def test_a_persisted_query_registered_on_one_replica_runs_on_the_other(
        sims: Sims, tmp_path: Path, redis_server: RedisServer) -> None:
    sku = sims.world.products[0].sku
    async with two_replicas(sims, tmp_path, redis_server) as (a, b):
        assert await replayed(sims.http, b, PRODUCT_NAME, {"sku": sku}) == "PERSISTED_QUERY_NOT_FOUND"
        status, registered = await post(sims.http, a, {"query": PRODUCT_NAME, "variables": {"sku": sku},
                                                       **persisted(PRODUCT_NAME)})
        assert status == 200 and "errors" not in registered, registered
        await until(lambda: replayed(sims.http, b, PRODUCT_NAME, {"sku": sku}), registered["data"])


async def test_a_write_on_one_replica_outdates_the_cached_stock_on_the_other(
        sims: Sims, tmp_path: Path, redis_server: RedisServer) -> None:
    product, left = few_left(sims)
    customer = bearer(Role.CUSTOMER, "003OG0000000000AAA")
    long_ttl = {"OMNIGATE_STOCK_TTL_S": "600"}  # only an invalidation can make a replica read the POS again
    async with two_replicas(sims, tmp_path, redis_server, **long_ttl) as (a, b):
        assert await in_store(sims.http, b, product) == left  # read from the POS, cached on b and in Redis
        before = (await calls(sims)).get(INVENTORY_COUNTS, 0)
        assert await in_store(sims.http, a, product) == left
        assert (await calls(sims)).get(INVENTORY_COUNTS, 0) == before  # a found b's answer in Redis

        await sell_at_the_till(sims, product, 1)
        assert await in_store(sims.http, b, product) == left  # the cache (and the response cache) hold
        reserved = await post(sims.http, a, {"query": RESERVE, "variables": reserve_input(product.sku, 1, "redis")},
                              customer)
        assert reserved[1]["data"]["reserveInStore"]["userErrors"] == [], reserved

        await until(lambda: in_store(sims.http, b, product), left - 2)  # the sale seen, and the hold


async def test_replicas_serve_while_redis_is_down_and_share_again_once_it_is_back(
        sims: Sims, tmp_path: Path, redis_server: RedisServer) -> None:
    sku = sims.world.products[1].sku
    found = {"product": {"sku": sku}}
    async with two_replicas(sims, tmp_path, redis_server, **ONE_PER_MINUTE) as (a, b):
        for gateway in (a, b):
            await until_ready(sims.http, gateway)
            assert await redis_state(sims.http, gateway) == "up"
        redis_server.kill()
        for gateway in (a, b):
            await until_redis(sims.http, gateway, "down")
            assert await readiness(sims.http, gateway) == 200  # Redis down: still ready, serving alone
            assert await redis_up_metric(sims.http, gateway) == 0
            status, body = await post(sims.http, gateway, {"query": SKU, "variables": {"sku": sku}, **persisted(SKU)})
            assert (status, body["data"]) == (200, found)  # registered in its own process meanwhile
            assert await replayed(sims.http, gateway, SKU, {"sku": sku}) == found

        redis_server.start()
        for gateway in (a, b):
            await until_redis(sims.http, gateway, "up")
            assert await redis_up_metric(sims.http, gateway) == 1
        shopper = bearer(Role.CUSTOMER, "003OG0000000002AAA")
        assert (await post(sims.http, b, {"query": TYPENAME}, shopper))[0] == 200
        assert (await post(sims.http, a, {"query": TYPENAME}, shopper))[0] == 429
        status, body = await post(sims.http, b, {"query": OTHER_SKU, "variables": {"sku": sku}, **persisted(OTHER_SKU)})
        assert (status, body["data"]) == (200, found)
        await until(lambda: replayed(sims.http, a, OTHER_SKU, {"sku": sku}), found)


@pytest.mark.parametrize("mode, expected", [("closed", 429), ("open", 200)])
async def test_without_redis_rate_limits_fail_as_the_setting_says(
        sims: Sims, tmp_path: Path, redis_server: RedisServer, mode: str, expected: int) -> None:
    shopper = bearer(Role.CUSTOMER, "003OG0000000000AAA")
    async with gateway_process(sims.url, tmp_path / "ledger.sqlite3", OMNIGATE_REDIS_URL=redis_server.url,
                               OMNIGATE_RATE_LIMIT_WITHOUT_REDIS=mode, **ONE_PER_MINUTE) as gateway:
        redis_server.kill()
        await until_redis(sims.http, gateway, "down")
        status, _ = await post(sims.http, gateway, {"query": TYPENAME}, shopper)
        unlimited, _ = await post(sims.http, gateway, {"query": TYPENAME}, STAFF)
    assert (status, unlimited) == (expected, 200)  # roles without a limit are never refused


async def test_a_gateway_whose_redis_is_not_there_at_start_serves_and_says_so(sims: Sims, tmp_path: Path) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    sku = sims.world.products[0].sku
    async with gateway_process(sims.url, tmp_path / "ledger.sqlite3", OMNIGATE_REDIS_URL=nowhere) as gateway:
        status, body = await post(sims.http, gateway, {"query": SKU, "variables": {"sku": sku}})
        await until_ready(sims.http, gateway)
        state = await redis_state(sims.http, gateway)
    assert (status, body["data"], state) == (200, {"product": {"sku": sku}}, "down")
