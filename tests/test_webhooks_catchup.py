"""Catching up after a gap: the gateway stopped while the POS and the web shop changed and pushed; started again,
it reads back what it missed (Square SearchEvents, WooCommerce `modified_after`), serves the changed figures,
and serves no figure cached before the gap meanwhile, even one a replica left in Redis."""

from datetime import UTC, datetime
from typing import Any

from gateway.appkeys import BACKENDS_KEY
from gateway.schema.relay import global_id
from gateway.webhooks.registration import register_pos, register_webshop
from gateway.webhooks.running import CATCH_UP_KEY
from simulators.world import World

from .harness import STAFF
from .redis_server import RedisServer, redis_server
from .test_sim_pos_support import stocked
from .webhook_estate import FAST_GIVE_UP, Estate, estate, gateway, until

__all__ = ["redis_server"]  # fixtures

STORE = "PAR01"
WOO = "/webshop/wp-json/wc/v3"
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

            async def read_back() -> bool:
                return any(k.event_id in sold and not k.delivered and k.processed for k in place.kept("pos"))

            await until(read_back, "the sale's stock event was not read back from SearchEvents and processed")
            after = await in_store(place, product.sku)
    # then
    assert during == after == before - 1  # not the figure Redis held from before the gap


ORDER = "query O($id: ID!) { order(id: $id) { status } }"


async def order_status(place: Estate, order_id: int) -> str:
    body = await place.graphql(ORDER, {"id": global_id("Order", str(order_id))}, STAFF)
    assert "errors" not in body, body
    status: str = body["data"]["order"]["status"]
    return status


async def test_a_web_order_changed_while_the_gateway_was_down_is_read_back_and_the_disabled_webhook_enabled(
        live_world: World) -> None:
    async with estate(live_world) as place:
        order = web_order(live_world)
        async with gateway(place) as app:
            await register_webshop(app[BACKENDS_KEY].webshop_webhooks, app[BACKENDS_KEY].registrations,
                                   place.public_url, datetime.now(UTC))
            before = await order_status(place, order)
        # when: five status changes while the gateway is down: five failed deliveries disable the webhook
        for status in ("processing", "on-hold", "processing", "on-hold", "cancelled"):
            await place.sim("PUT", f"{WOO}/orders/{order}", {"status": status})
            await place.settled("webshop")
        assert await hook_status(place, "order.updated") == "disabled"
        async with gateway(place):

            async def read_back() -> bool:
                return any(k.event_id.startswith(f"modified:order.updated:{order}:") and not k.delivered
                           and k.processed for k in place.kept("webshop"))

            await until(read_back, "the order was not read back with modified_after and processed")
            enabled = await hook_status(place, "order.updated")
            after = await order_status(place, order)
            # and the webhook delivers again
            await place.sim("PUT", f"{WOO}/orders/{order}", {"status": "processing"})
            delivered = await place.settled("webshop")
    # then
    assert before != "CANCELLED" and after == "CANCELLED"
    assert enabled == "active"
    assert delivered[-1]["status"] == 200, delivered[-1]


async def hook_status(place: Estate, topic: str) -> str:
    hooks: list[dict[str, Any]] = await place.sim("GET", f"{WOO}/webhooks?per_page=100")
    [status] = [h["status"] for h in hooks if h["topic"] == topic]
    return str(status)


def web_order(world: World) -> int:
    """A web order of the first customer who has one."""
    return next(orders[0].id for c in world.customers if (orders := world.history.web_orders(c)))


ONLINE = "query P($sku: String!) { product(sku: $sku) { onlineAvailability { quantity } } }"


async def online(place: Estate, sku: str) -> int:
    body = await place.graphql(ONLINE, {"sku": sku})
    assert "errors" not in body, body
    quantity: int = body["data"]["product"]["onlineAvailability"]["quantity"]
    return quantity


async def test_a_webhook_the_shop_disabled_while_the_gateway_ran_is_enabled_again_and_what_it_missed_served(
        live_world: World) -> None:
    # given: online stock cached for ten minutes, and the product webhook disabled by the shop
    async with estate(live_world, OMNIGATE_STOCK_TTL_S="600") as place, gateway(place) as app:
        await register_webshop(app[BACKENDS_KEY].webshop_webhooks, app[BACKENDS_KEY].registrations,
                               place.public_url, datetime.now(UTC))
        sku = next(p.sku for p in live_world.products if not p.delisted)
        [row] = await place.sim("GET", f"{WOO}/products?sku={sku}")
        before = await online(place, sku)
        [hook] = [h for h in await place.sim("GET", f"{WOO}/webhooks?per_page=100") if h["topic"] == "product.updated"]
        await place.sim("PUT", f"{WOO}/webhooks/{hook['id']}", {"status": "disabled"})
        await place.sim("POST", f"{WOO}/products/batch", {"update": [{"id": row["id"], "stock_quantity": before + 7}]})
        unheard = await online(place, sku)
        # when: the next catch-up pass
        app[CATCH_UP_KEY].soon()

        async def enabled() -> bool:
            return await hook_status(place, "product.updated") == "active"

        await until(enabled, "the disabled webhook was not enabled again")

        async def served() -> bool:
            return await online(place, sku) == before + 7

        await until(served, "the stock changed while the webhook was disabled is not served")
        read_back = [k for k in place.kept("webshop") if not k.delivered]
    # then
    assert unheard == before  # what the gateway could not know until it caught up
    assert any(k.event_id.startswith(f"modified:product.updated:{row['id']}:") for k in read_back), read_back


async def test_a_pass_while_deliveries_arrive_reads_nothing_back_twice(live_world: World) -> None:
    async with estate(live_world) as place, gateway(place) as app:
        # given: registered, and a first pass made since
        backends, catch_up = app[BACKENDS_KEY], app[CATCH_UP_KEY]
        now = datetime.now(UTC)
        await register_pos(backends.pos_subscriptions, backends.registrations, place.public_url, now)
        await register_webshop(backends.webshop_webhooks, backends.registrations, place.public_url, now)
        assert await catch_up.once()
        read_before = {k.event_id for k in place.kept("pos") + place.kept("webshop") if not k.delivered}
        # when: a till sale and a web order change, delivered, then another pass
        await place.sim("POST", "/_sim/pos/sales", {"location_id": STORE, "sku": stocked(live_world, STORE).sku})
        await place.sim("PUT", f"{WOO}/orders/{web_order(live_world)}", {"status": "completed"})
        await place.settled("pos")
        await place.settled("webshop")
        assert await catch_up.once()
        kept = place.kept("pos") + place.kept("webshop")
    # then: each change is kept once, as delivered
    assert {k.event_id for k in kept if not k.delivered} == read_before
    assert {k.type for k in kept if k.delivered} >= {"inventory.count.updated", "order.updated"}


async def test_a_square_subscription_someone_disabled_is_enabled_again_and_its_events_read_back(
        live_world: World) -> None:
    async with estate(live_world) as place, gateway(place) as app:
        # given: registered, then the subscription disabled in Square's dashboard, and a sale at the till
        backends = app[BACKENDS_KEY]
        registered = await register_pos(backends.pos_subscriptions, backends.registrations, place.public_url,
                                        datetime.now(UTC))
        subscription = registered.registration.subscription_id
        await place.sim("PUT", f"/pos/v2/webhooks/subscriptions/{subscription}", {"subscription": {"enabled": False}})
        await place.sim("POST", "/_sim/pos/sales", {"location_id": STORE, "sku": stocked(live_world, STORE).sku})
        sold = {e["event_id"] for e in await pos_events(place, ["inventory.count.updated"])}
        # when
        assert await app[CATCH_UP_KEY].once()
        enabled = (await place.sim("GET", f"/pos/v2/webhooks/subscriptions/{subscription}"))["subscription"]
        read_back = {k.event_id for k in place.kept("pos") if not k.delivered}
    # then
    assert enabled["enabled"] is True
    assert sold <= read_back
