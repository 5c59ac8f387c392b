"""Benchmark: the cost the gateway reports for a document against the time it takes, cold.

For each document, fresh simulators (a child process) and a fresh gateway (this process) with its reference
data loaded and every other cache empty; the limits are lifted so that documents the default limits refuse
still run and can be timed. Prints the reported cost, whether the default limits let the document run, the
wall time, the upstream calls, and the longest `/healthz` answer meanwhile (how long the event loop was held).
A document still running after --timeout-s is reported as that long, with the error "gave up".

    .venv/bin/python -m bench.cost_vs_time [--scale default] [--only NAME] [--timeout-s 120]
"""

import argparse
import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from gateway.appkeys import REFERENCE_KEY, SETTINGS_KEY
from gateway.cost import Estate
from gateway.limits import OperationLimits, measure, parse_operation
from gateway.schema import schema
from gateway.schema.relay import global_id
from simulators.world import Scale, World, build_world
from tests.harness import STAFF, Stack
from tests.test_gateway_batching import BULK, CUSTOMER_360, KIOSK_SEARCH, MOBILE_PRODUCT_PAGE, PARIS

from .latency import gateway_on_child_simulators

# the price-audit index builds on first use, so no other document's calls or time include its build; the
# audit itself, cold, answers WARMING_UP (`python -m bench.price_audit` times it built)
LIFTED = {"OMNIGATE_MAX_COST": str(2**53), "OMNIGATE_MAX_RADIUS_KM": "20000", "OMNIGATE_PRICE_AUDIT_AT_START": "false"}
PROBE_EVERY_S = 0.02

AROUND = """
query Around($near: GeoPointInput!, $km: Float!, $q: String) {
  searchProducts(query: $q, availableAt: {near: $near, radiusKm: $km}, first: 1) { totalCount edges { node { sku } } }
}"""
IN_STORE_AND_ONLINE = """
query InStoreAndOnline($store: ID!) {
  searchProducts(availableAt: {storeId: $store, online: true}, first: 20) { totalCount edges { node { sku name } } }
}"""
DISCREPANCIES = """
{ priceDiscrepancies(first: 100) { nodes { product { sku name } expected { amount } channelPrices { source } } } }"""
BASKET = """
query Basket($skus: [String!]!) { stores(inStockSkus: $skus, first: 100) { totalCount edges { node { name } } } }"""
WIDE_BULK = """
query WideBulk($skus: [String!]!, $near: GeoPointInput!, $km: Float!) {
  products(skus: $skus) { sku nearestAvailability(near: $near, radiusKm: $km, first: 100) { quantity store { name } } }
}"""
ACCESSORY_TREE = """
query Tree($skus: [String!]!) { products(skus: $skus) { accessories(first: 100) { accessories(first: 100) { name } } } }
"""
HISTORY = """
query History($card: String!) {
  customerByLoyaltyCard(cardNumber: $card) {
    purchaseHistory(first: 100) { totalCount edges { node { total { amount } lines { product { name } } } } }
    recommendedAccessories(first: 100) { name }
  }
}"""
OVERDUE = "{ overdueAppointments { id store { name } } }"


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    variables: dict[str, Any]


@dataclass(frozen=True)
class Timing:
    cost: int
    seconds: float
    calls: int
    healthz_ms: float
    error: str  # the first error's code, "-" without one


def cases(world: World) -> list[Case]:
    """Documents from the everyday (mobile, kiosk, partner) to the most expensive we could write."""
    listed = [p for p in world.products if not p.delisted and p.webshop_id is not None]
    skus = [p.sku for p in listed[:100]]
    basket = skus[:70]  # in every store: just under the default max cost at the default scale
    shoppers = [c for c in world.customers[:2000] if c.card and c.webshop_id]
    customer = max(shoppers, key=lambda c: len(world.history.receipts(c)) + len(world.history.web_orders(c)))
    store = next(s for s in world.stores if s.active)
    return [
        Case("mobile product page", MOBILE_PRODUCT_PAGE, {"sku": next(p.sku for p in listed if p.relations),
                                                          "near": PARIS}),
        Case("kiosk search, one store", KIOSK_SEARCH, {"q": "casque", "store": global_id("Store", store.code)}),
        Case("customer 360", CUSTOMER_360, {"card": customer.card}),
        Case("longest history", HISTORY, {"card": customer.card}),
        Case("overdue appointments", OVERDUE, {}),
        Case("search in store and online", IN_STORE_AND_ONLINE, {"store": global_id("Store", store.code)}),
        Case("partner bulk, 100 skus", BULK, {"skus": skus, "near": PARIS}),
        Case("basket of 70, every store", BASKET, {"skus": basket}),
        Case("price discrepancies", DISCREPANCIES, {}),
        Case("100 skus x 200 km", WIDE_BULK, {"skus": skus, "near": PARIS, "km": 200}),
        Case("accessory tree", ACCESSORY_TREE, {"skus": skus}),
        Case("search 'casque' 5 km", AROUND, {"near": PARIS, "km": 5, "q": "casque"}),
        Case("search 5 km", AROUND, {"near": PARIS, "km": 5}),
        Case("search 200 km", AROUND, {"near": PARIS, "km": 200}),
        Case("search 3000 km (issue 8)", AROUND, {"near": PARIS, "km": 3000}),
    ]


async def cold_run(world: World, scale: str, case: Case, timeout_s: float) -> Timing:
    async with gateway_on_child_simulators(world, scale, LIFTED) as stack:
        await stack.warm()
        await stack.reset_calls()
        stop = asyncio.Event()
        probe = asyncio.create_task(_longest_healthz(stack, stop))
        try:
            started = time.perf_counter()
            body = await _post(stack, case, timeout_s)
            seconds = time.perf_counter() - started
        finally:
            stop.set()
            healthz_ms = await probe
        calls = sum((await stack.calls()).values())
        if body is None:
            return Timing(await _cost(stack, case), seconds, calls, healthz_ms, "gave up")
        error = body["errors"][0]["extensions"]["code"] if body.get("errors") else "-"
        return Timing(int(body["extensions"]["cost"]), seconds, calls, healthz_ms, error)


async def _post(stack: Stack, case: Case, timeout_s: float) -> dict[str, Any] | None:
    """The answer's body; None when it took longer than `timeout_s`."""
    try:
        async with stack.http.post(f"{stack.gateway_url}/graphql", json={"query": case.query,
                                   "variables": case.variables}, headers=STAFF,
                                   timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
            body: dict[str, Any] = await response.json()
            return body
    except TimeoutError:
        return None


async def _cost(stack: Stack, case: Case) -> int:
    """The cost as the gateway measured it before running the document, which did not answer in time."""
    estate = await Estate.of(stack.app[REFERENCE_KEY], stack.app[SETTINGS_KEY].max_radius_km)
    document = parse_operation(case.query, OperationLimits())
    return measure(document, schema._schema, None, case.variables, estate).cost


async def _longest_healthz(stack: Stack, stop: asyncio.Event) -> float:
    """The longest `/healthz` round trip, in ms, until `stop` is set."""
    longest = 0.0
    while not stop.is_set():
        started = time.perf_counter()
        async with stack.http.get(f"{stack.gateway_url}/healthz") as response:
            await response.read()
        longest = max(longest, time.perf_counter() - started)
        await asyncio.sleep(PROBE_EVERY_S)
    return longest * 1000


async def main(args: argparse.Namespace) -> None:
    logging.disable(logging.WARNING)  # the demo world's deliberate data-quality warnings, once per gateway
    world = build_world(seed=42, scale=Scale[args.scale.upper()])
    limit = OperationLimits().max_cost
    print(f"world: {len(world.stores)} stores, {len(world.products)} products; default max cost {limit}")
    print(f"{'document':<28} {'cost':>10} {'default':>8} {'wall s':>7} {'calls':>6} {'healthz ms':>10}  error")
    for case in cases(world):
        if args.only and args.only not in case.name:
            continue
        t = await cold_run(world, args.scale, case, args.timeout_s)
        verdict = "runs" if t.cost <= limit else "refused"
        print(f"{case.name:<28} {t.cost:>10} {verdict:>8} {t.seconds:>7.2f} {t.calls:>6} {t.healthz_ms:>10.0f}  "
              f"{t.error}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("small", "default"), default="default")
    parser.add_argument("--only", help="run only the documents whose name contains this")
    parser.add_argument("--timeout-s", type=float, default=120.0, help="give up on a document after this long")
    asyncio.run(main(parser.parse_args()))
