"""Catching up after a gap: the gateway stopped while the POS and the web shop changed and pushed; started again,
it reads back what it missed (Square SearchEvents, WooCommerce `modified_after`), serves the changed figures,
and serves no figure cached before the gap meanwhile, even one a replica left in Redis."""

from datetime import UTC, datetime
from typing import Any

from connectors.domain import System
from gateway.appkeys import BACKENDS_KEY
from gateway.schema.relay import global_id
from gateway.webhooks.registration import register_pos
from simulators.world import World

from .redis_server import RedisServer, redis_server
from .test_sim_pos_support import stocked
from .webhook_estate import FAST_GIVE_UP, Estate, estate, gateway, until

__all__ = ["redis_server"]  # fixtures

STORE = "PAR01"
STOCK = """query S($sku: String!, $store: ID!) {
  product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } } }"""


async def in_store(place: Estate, sku: str) -> int:
    body = await place.graphql(STOCK, {"sku": sku, "store": global_id("Store", STORE)})
    assert "errors" not in body, body
    quantity: int = body["data"]["product"]["availabilityInStore"]["quantity"]
    return quantity


async def pos_events(place: Estate, types: list[str]) -> list[dict[str, Any]]:
    """What SearchEvents holds of these types (asked of the simulator directly)."""
    found = await place.sim("POST", "/pos/v2/events", {"query": {"filter": {"event_types": types}}})
    events: list[dict[str, Any]] = found.get("events", [])
    return events


async def test_a_till_sale_made_while_the_gateway_was_down_is_read_back_and_never_served_stale(
        live_world: World, redis_server: RedisServer) -> None:
    # given: stock cached for ten minutes, in Redis too, as a replica leaves it
    async with estate(live_world, OMNIGATE_REDIS_URL=redis_server.url, OMNIGATE_STOCK_TTL_S="600") as place:
        product = stocked(live_world, STORE)
        async with gateway(place) as app:
            await register_pos(app[BACKENDS_KEY].pos_subscriptions, app[BACKENDS_KEY].registrations,
                               place.public_url, datetime.now(UTC))
            before = await in_store(place, product.sku)
        await place.sim("POST", "/_sim/pos/webhooks/settings", FAST_GIVE_UP)
        # when: a sale at the till while the gateway is down; Square gives up delivering it
        await place.sim("POST", "/_sim/pos/sales", {"location_id": STORE, "sku": product.sku})
        assert [d["status"] for d in await place.settled("pos")] != []
        sold = [e["event_id"] for e in await pos_events(place, ["inventory.count.updated"])]
        async with gateway(place) as app:
            during = await in_store(place, product.sku)
            inbox = app[BACKENDS_KEY].inbox

            async def read_back() -> bool:
                last = await inbox.last_event(System.POS)
                return last is not None and last[0] in {*sold, *[e["event_id"] for e in await pos_events(
                    place, ["order.updated"])]}

            await until(read_back, "the sale's events were not read back from SearchEvents")
            after = await in_store(place, product.sku)
    # then
    assert during == after == before - 1  # not the figure Redis held from before the gap
