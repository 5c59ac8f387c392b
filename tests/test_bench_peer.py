"""The benchmark's peer: GraphQL Mesh answers every scenario's request over the real simulators.

Installs bench/peer with `npm ci` (bench.mesh.install) the first time, so it needs node and npm.
"""

import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bench.mesh import install, mesh_request, serve
from connectors.domain import GeoPoint
from gateway.geo import haversine_km
from simulators.host import SimulatorHost
from simulators.world import CATEGORIES, World

pytestmark = pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                                reason="node/npm missing: the Mesh peer (bench/peer) runs on Node.js")

PARIS = {"latitude": 48.8566, "longitude": 2.3522}
SCENARIOS = ("mobile_product_page", "kiosk_search", "customer_360", "partner_bulk", "ten_products")


def draw(world: World) -> dict[str, Any]:
    """One draw with every key the harness fills: a product with accessories, the stores nearest Paris, a card
    whose customer bought online and in store and keeps a
    wishlist."""
    sellable = [p for p in world.products if not p.delisted and p.webshop_id is not None]
    product = next(p for p in sellable if p.relations)
    centre = GeoPoint(PARIS["latitude"], PARIS["longitude"])
    stores = sorted((s for s in world.stores if s.active),
                    key=lambda s: haversine_km(centre, GeoPoint(s.latitude, s.longitude)))
    customer = next(c for c in world.customers if c.card and c.webshop_id and world.history.wishlist(c)
                    and world.history.web_orders(c) and world.history.receipts(c))
    group = next(c.erp_group for c in CATEGORIES if c.code == product.category)
    return {"sku": product.sku, "gtin": product.gtin, "skus": [p.sku for p in sellable[:100]],
            "gtins": [p.gtin for p in sellable[:100]], "store": stores[0].code, "near": PARIS,
            "nearest_stores": [s.code for s in stores[:5]], "card": customer.card, "category": group}


@pytest.fixture
async def simulators(live_world: World) -> AsyncIterator[str]:
    host = SimulatorHost(live_world)
    try:
        yield await host.start()
    finally:
        await host.stop()


@pytest.mark.timeout(300)
async def test_mesh_answers_every_scenario_for_the_asked_keys_and_stops_every_process(
        simulators: str, live_world: World) -> None:
    install()
    asked = draw(live_world)
    ten = {**asked, "skus": asked["skus"][:10], "gtins": asked["gtins"][:10]}
    async with serve(simulators, workers=2) as peer, aiohttp.ClientSession() as session:
        assert len(peer.pids) >= 3  # the parent and its two forks
        answers = {}
        for scenario in SCENARIOS:
            async with session.post(peer.url, json=mesh_request(scenario, ten if scenario == "ten_products"
                                                                else asked)) as response:
                answers[scenario] = await response.json()
            assert "errors" not in answers[scenario], (scenario, answers[scenario]["errors"])
    assert not [pid for pid in peer.pids if _running(pid)]
    check_product_page(answers["mobile_product_page"]["data"], asked)
    check_kiosk(answers["kiosk_search"]["data"], asked)
    check_customer(answers["customer_360"]["data"], asked["card"])
    check_products(answers["partner_bulk"]["data"], asked["skus"], asked["gtins"])
    check_products(answers["ten_products"]["data"], ten["skus"], ten["gtins"])
    assert {row["sku"] for row in answers["partner_bulk"]["data"]["online"]} == set(asked["skus"])


def check_product_page(data: dict[str, Any], asked: dict[str, Any]) -> None:
    assert data["product"]["Product"] == asked["sku"]
    assert data["online"][0]["sku"] == asked["sku"] and data["online"][0]["images"]
    assert {r["Material"] for r in data["prices"]["d"]["results"]} == {asked["sku"]}
    counts = [c for o in data["storeStock"]["objects"] for c in o["inventory"]]
    assert counts and {c["location_id"] for c in counts} <= set(asked["nearest_stores"])
    accessories = data["accessories"]["value"]
    assert accessories and all(a["relatedProduct"] and a["relatedPrices"] for a in accessories)


def check_kiosk(data: dict[str, Any], asked: dict[str, Any]) -> None:
    products = data["products"]["value"]
    assert products and all(p["prices"] for p in products)
    counts = [c for p in products for v in p["posVariations"] for c in v["inventory"]]
    assert counts and {c["location_id"] for c in counts} == {asked["store"]}


def check_customer(data: dict[str, Any], card: str) -> None:
    contact = data["crm"]["records"][0]
    assert contact["additionalProperties"]["Loyalty_Card_Number__c"] == card
    assert contact["loyaltyMembers"]["records"][0]["loyaltyTier"]["records"]
    assert contact["webOrders"] and contact["wishlists"][0]["items"][0]["product"]
    assert data["pos"]["customers"] and data["pos"]["customers"][0]["receipts"]


def check_products(data: dict[str, Any], skus: list[str], gtins: list[str]) -> None:
    priced = {r["Material"] for key, rows in data.items() if key.startswith("prices") for r in rows["d"]["results"]}
    assert priced == set(skus)
    assert {o["item_variation_data"]["upc"] for o in data["storeStock"]["objects"]} == set(gtins)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
