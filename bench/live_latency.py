"""Benchmark: how long a sale at the till takes to show in `availabilityInStore`, the stock TTL notwithstanding.

The simulators run in this process (small world by default), the gateway in a process of its own (`omnigate
serve`, SQLite ledger, stock TTL ten minutes so that only a pushed event can change the answer, no anonymous
rate limit so that polling is not refused). The POS simulator holds a Square webhook subscription to the
gateway's `/webhooks/pos`, stored as `omnigate webhooks register` would. For each change: the figure is read
(and so cached), one unit is sold through the POS simulator's inventory API (BatchChangeInventory IN_STOCK ->
SOLD, as a till records it), then the same anonymous query is asked every `--poll-ms` until it returns one unit
less. The time from the sale's request to that answer covers the simulator's signed delivery, the gateway's
verification and inbox write, the background processing, the cache drop and the read from the POS. Reported:
p50, p99 and the worst over N changes, and any change not seen within `--timeout-s`. One run on a shared
machine: read the figures as an order of magnitude.

    .venv/bin/python -m bench.live_latency [--changes 100] [--poll-ms 5] [--scale small] [--timeout-s 10]
"""

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from connectors.domain import System
from connectors.ledger.store import open_ledger
from connectors.webhook_ports import Registration
from gateway.schema.relay import global_id
from simulators.host import SimulatorHost
from simulators.world import Scale, World, build_world
from simulators.world.records import DemoProduct
from tests.direct import POS, pos_variations
from tests.gateway_process import settings_for
from tests.processes import OMNIGATE, ROOT, environment, free_port

IN_STORE = """
query InStore($sku: String!, $store: ID!) {
  product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } }
}"""
SUBSCRIPTIONS = "/pos/v2/webhooks/subscriptions"
INVENTORY_CHANGES = "/pos/v2/inventory/changes/batch-create"
STORE = "MAR01"
START_TIMEOUT_S = 60.0
UNLIMITED = "anonymous=0"  # polling every few ms is far over a shopper's limit; the limit is not measured here


@dataclass(frozen=True)
class Article:
    product: DemoProduct
    variation: str


@asynccontextmanager
async def gateway(sim_url: str, folder: Path) -> AsyncIterator[str]:
    """`omnigate serve` on a free port, its log in a file (a pipe left unread would stall it)."""
    port = free_port()
    env = environment(**settings_for(sim_url, folder / "ledger.sqlite3", port), OMNIGATE_STOCK_TTL_S="600",
                      OMNIGATE_RATE_LIMITS=UNLIMITED)
    with (folder / "gateway.log").open("wb") as log:
        process = subprocess.Popen([*OMNIGATE, "serve", "--workers", "1"], cwd=ROOT, stdout=log, stderr=log,
                                   env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            await ready(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


async def ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit("the gateway exited; see its log")
            try:
                async with http.get(f"{url}/readyz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the gateway did not become ready")


async def register(http: aiohttp.ClientSession, sim_url: str, gateway_url: str, ledger: Path) -> None:
    body = {"idempotency_key": str(uuid.uuid4()), "subscription": {
        "name": "omnigate-bench", "enabled": True, "event_types": ["inventory.count.updated"],
        "notification_url": f"{gateway_url}/webhooks/pos"}}
    async with http.post(f"{sim_url}{SUBSCRIPTIONS}", json=body, headers=POS) as r:
        created = (await r.json())["subscription"]
    async with open_ledger(ledger) as ports:
        await ports.registrations.save(Registration(System.POS, created["id"], created["notification_url"],
                                                    created["signature_key"], datetime.now(UTC)))


def articles(world: World, changes: int) -> list[DemoProduct]:
    """Articles the store carries with units to sell, most stocked first."""
    store = world.store_by_code[STORE]
    stocked = [(figure.sellable, p) for p in world.products
               if (figure := world.store_stock(store, p)) is not None and figure.sellable >= 2]
    stocked.sort(key=lambda pair: -pair[0])
    return [p for _, p in stocked[:changes]]


async def in_store(http: aiohttp.ClientSession, url: str, product: DemoProduct) -> int:
    async with http.post(f"{url}/graphql", json={"query": IN_STORE, "variables": {
            "sku": product.sku, "store": global_id("Store", STORE)}}) as r:
        body = await r.json()
    if "data" not in body or "errors" in body:
        raise SystemExit(f"the gateway answered {r.status}: {body}")
    quantity: int = body["data"]["product"]["availabilityInStore"]["quantity"]
    return quantity


async def sell(http: aiohttp.ClientSession, sim_url: str, variation: str) -> None:
    change = {"type": "ADJUSTMENT", "adjustment": {
        "from_state": "IN_STOCK", "to_state": "SOLD", "location_id": STORE, "catalog_object_id": variation,
        "quantity": "1", "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z")}}
    async with http.post(f"{sim_url}{INVENTORY_CHANGES}", headers=POS,
                         json={"idempotency_key": str(uuid.uuid4()), "changes": [change]}) as r:
        assert r.status == 200, await r.text()


async def one_change(http: aiohttp.ClientSession, sim_url: str, url: str, article: Article, poll_s: float,
                     timeout_s: float) -> float | None:
    """Seconds from the sale's request to the first answer showing it; None if not seen in time."""
    before = await in_store(http, url, article.product)
    started = time.perf_counter()
    await sell(http, sim_url, article.variation)
    while time.perf_counter() - started < timeout_s:
        if await in_store(http, url, article.product) == before - 1:
            return time.perf_counter() - started
        await asyncio.sleep(poll_s)
    return None


async def run(args: argparse.Namespace) -> None:
    world = build_world(seed=42, scale=Scale[args.scale.upper()])
    host = SimulatorHost(world)
    sim_url = await host.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with gateway(sim_url, Path(folder)) as url, aiohttp.ClientSession() as http:
                await register(http, sim_url, url, Path(folder) / "ledger.sqlite3")
                products = articles(world, args.changes)
                ids = await pos_variations(http, sim_url, [p.gtin for p in products])
                chosen = [Article(p, ids[p.gtin]["id"]) for p in products if p.gtin in ids]
                times: list[float] = []
                missed = 0
                for i in range(args.changes):
                    seen = await one_change(http, sim_url, url, chosen[i % len(chosen)], args.poll_ms / 1000,
                                            args.timeout_s)
                    if seen is None:
                        missed += 1
                    else:
                        times.append(seen)
    finally:
        await host.stop()
    report(times, missed, args)


def report(times: list[float], missed: int, args: argparse.Namespace) -> None:
    print(f"till sale -> changed availabilityInStore, {len(times)} changes seen, {missed} missed "
          f"(poll every {args.poll_ms} ms, {args.scale} world, stock TTL 600 s)")
    if len(times) >= 2:
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        print(f"p50 {cuts[49] * 1000:.1f} ms  p99 {cuts[98] * 1000:.1f} ms  max {max(times) * 1000:.1f} ms  "
              f"mean {statistics.fmean(times) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--poll-ms", type=float, default=5.0)
    parser.add_argument("--scale", choices=[s.name.lower() for s in Scale], default="small")
    parser.add_argument("--timeout-s", type=float, default=10.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
