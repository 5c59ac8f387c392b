"""Square's pushes end to end: the POS simulator holds a subscription to the gateway's `/webhooks/pos`, a sale at
its till (its inventory API) is delivered, signed, and the next `availabilityInStore` read returns the new figure
although the stock TTL is ten minutes; with two gateway processes sharing Redis and the ledger, the event received
by one outdates the other's cache."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import aiohttp

from connectors.domain import System
from connectors.ledger.store import open_ledger
from connectors.webhook_ports import Registration
from gateway.appkeys import BACKENDS_KEY
from simulators.world import World
from tests.direct import POS
from tests.gateway_process import gateway_process
from tests.harness import running_stack
from tests.redis_server import RedisServer, redis_server
from tests.test_gateway_redis import in_store
from tests.test_gateway_replicas import Sims, sims
from tests.test_gateway_reservations import few_left
from tests.test_webhooks_receive import LONG_TTL, SETTLE_S, sell_at_the_till, variation_of
from tests.test_webhooks_receive import in_store as in_store_of

__all__ = ["redis_server", "sims"]  # fixtures
T = TypeVar("T")
SUBSCRIPTIONS = "/pos/v2/webhooks/subscriptions"


async def subscribe(http: aiohttp.ClientSession, sim_url: str, notification_url: str,
                    event_types: tuple[str, ...] = ("inventory.count.updated",)) -> Registration:
    """A Square subscription made through the POS simulator's API, as registered."""
    body = {"idempotency_key": str(uuid.uuid4()), "subscription": {
        "name": "omnigate", "enabled": True, "event_types": list(event_types),
        "notification_url": notification_url}}
    async with http.post(f"{sim_url}{SUBSCRIPTIONS}", json=body, headers=POS) as r:
        created = (await r.json())["subscription"]
        assert r.status == 200, created
    return Registration(System.POS, created["id"], created["notification_url"], created["signature_key"],
                        datetime.now(UTC))


async def until(read: Callable[[], Awaitable[T]], expected: T) -> None:
    deadline = asyncio.get_running_loop().time() + SETTLE_S
    while (found := await read()) != expected:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.05)


async def test_a_till_sale_pushed_by_the_pos_simulator_shows_on_the_next_read(live_world: World) -> None:
    async with running_stack(live_world, LONG_TTL) as stack:
        await stack.warm()
        registration = await subscribe(stack.http, stack.sim_url, f"{stack.gateway_url}/webhooks/pos")
        await stack.app[BACKENDS_KEY].registrations.save(registration)
        product, left = few_left(stack)
        assert await in_store_of(stack, product) == left

        await sell_at_the_till(stack.http, stack.sim_url, await variation_of(stack.http, stack.sim_url, product), 2)

        await until(lambda: in_store_of(stack, product), left - 2)


async def test_the_event_received_by_one_replica_outdates_the_others_cache(
        sims: Sims, tmp_path: Path, redis_server: RedisServer) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    shared = {"OMNIGATE_REDIS_URL": redis_server.url, **LONG_TTL}
    product, left = few_left(sims)
    async with gateway_process(sims.url, ledger, **shared) as a, gateway_process(sims.url, ledger, **shared) as b:
        registration = await subscribe(sims.http, sims.url, f"{a.url}/webhooks/pos")
        async with open_ledger(ledger) as ports:  # what `omnigate webhooks register` stores, in the shared ledger
            await ports.registrations.save(registration)
        assert await in_store(sims.http, b, product) == left  # cached on b (and in Redis) for ten minutes

        await sell_at_the_till(sims.http, sims.url, await variation_of(sims.http, sims.url, product), 1)

        await until(lambda: in_store(sims.http, b, product), left - 1)
