"""Each replica holds its own availability index, fed by the events every replica publishes through Redis: a
hold made on one replica takes the article out of the other's stock-filtered answers at once, and giving it
back brings it in again (issue 17)."""

from pathlib import Path
from typing import Any

from gateway.auth.principals import Role
from simulators.world.records import DemoProduct
from tests.gateway_process import GatewayProcess
from tests.harness import bearer
from tests.redis_server import RedisServer, redis_server
from tests.test_gateway_redis import post, two_replicas, until
from tests.test_gateway_replicas import Sims, sims
from tests.test_gateway_reservations import RESERVE, STORE, reserve_input

__all__ = ["redis_server", "sims"]  # fixtures

NEAR_THE_STORE = """
query Near($q: String, $near: GeoPointInput!) {
  searchProducts(query: $q, first: 20, availableAt: {near: $near, radiusKm: 1}) { edges { node { sku } } }
}"""
CANCEL = "mutation C($id: ID!) { cancelReservation(id: $id) { userErrors { code } } }"
CUSTOMER = bearer(Role.CUSTOMER, "003OG0000000000AAA")


async def found_near(sims: Sims, gateway: GatewayProcess, product: DemoProduct) -> list[str] | None:
    """The skus found near the store for the product's name; None while the index warms."""
    store = sims.world.store_by_code[STORE]
    status, body = await post(sims.http, gateway, {"query": NEAR_THE_STORE, "variables": {
        "q": product.name, "near": {"latitude": store.latitude, "longitude": store.longitude}}})
    assert status == 200, body
    if any(e["extensions"]["code"] == "WARMING_UP" for e in body.get("errors", [])):
        return None
    assert "errors" not in body, body
    return [e["node"]["sku"] for e in body["data"]["searchProducts"]["edges"]]


def only_at_the_store(sims: Sims) -> tuple[DemoProduct, int]:
    store = sims.world.store_by_code[STORE]
    others = [s for s in sims.world.stores if s.code != STORE and abs(s.latitude - store.latitude) < 0.05
              and abs(s.longitude - store.longitude) < 0.05]
    for product in sims.world.products:
        figure = sims.world.store_stock(store, product)
        if figure and 1 <= figure.sellable <= 4 and not any(sims.world.store_stock(o, product) for o in others):
            return product, figure.sellable
    raise AssertionError("no article sold at the store alone")


async def test_a_hold_on_one_replica_changes_the_other_replicas_index(
        sims: Sims, tmp_path: Path, redis_server: RedisServer) -> None:
    product, units = only_at_the_store(sims)
    async with two_replicas(sims, tmp_path, redis_server, OMNIGATE_AVAILABILITY_AT_START="true") as (a, b):
        await until(lambda: found_near(sims, b, product), [product.sku])
        await until(lambda: found_near(sims, a, product), [product.sku])

        variables: dict[str, Any] = reserve_input(product.sku, units, "every-unit")
        _, reserved = await post(sims.http, a, {"query": RESERVE, "variables": variables}, CUSTOMER)
        assert reserved["data"]["reserveInStore"]["userErrors"] == [], reserved
        await until(lambda: found_near(sims, b, product), [])

        hold = reserved["data"]["reserveInStore"]["reservation"]["id"]
        await post(sims.http, a, {"query": CANCEL, "variables": {"id": hold}}, CUSTOMER)
        await until(lambda: found_near(sims, b, product), [product.sku])
