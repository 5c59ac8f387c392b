"""Benchmark: a `priceDiscrepancies` page while the price-audit index builds (cold) and once built.

Simulators in a child process (`omnigate simulate`, the default world by default, every call delayed by
--latency-ms), the gateway in this one with the index built at start-up. Cold: from the gateway's start,
pages are asked every --probe-ms until one comes back built; each answer's latency and whether it said
WARMING_UP are recorded, and how long the first build took. Built: --pages pages of 10, then of 100, walking the
cursors round and round, timed one after another, and the upstream calls they made (`/_sim/stats`),
beside the floor: `{ __typename }` through the same gateway (auth, parsing, validation, HTTP).
Then what the old request path paid per page, a whole scan of the back offices: one full rebuild and one
incremental rebuild of the index (the web shop's changes only), timed.

    .venv/bin/python -m bench.price_audit [--scale default] [--latency-ms 20] [--pages 200] [--probe-ms 50]
"""

import argparse
import asyncio
import statistics
import time
from typing import Any

from gateway.appkeys import REFERENCE_KEY
from gateway.prices import index as audit
from simulators.world import Scale, build_world
from tests.harness import STAFF, Stack

from .latency import gateway_on_child_simulators

PAGE = """
query Page($first: Int, $after: String) {
  priceDiscrepancies(first: $first, after: $after) {
    totalCount indexedAt pageInfo { hasNextPage endCursor }
    nodes { product { sku name } expected { amount } channelPrices { source amount { amount } } }
  }
}"""


async def page(stack: Stack, after: str | None, first: int = 100) -> tuple[float, dict[str, Any], bool]:
    """(ms, the connection, whether it said WARMING_UP)."""
    started = time.perf_counter()
    body = await stack.graphql(PAGE, {"first": first, "after": after}, STAFF)
    ms = (time.perf_counter() - started) * 1000
    warming = any(e["extensions"]["code"] == "WARMING_UP" for e in body.get("errors", []))
    return ms, body["data"]["priceDiscrepancies"], warming


def spread(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return f"p50 {cuts[49]:.2f} ms, p95 {cuts[94]:.2f} ms, max {max(values):.2f} ms (n={len(values)})"


async def main(args: argparse.Namespace) -> None:
    world = build_world(seed=42, scale=Scale[args.scale.upper()])
    print(f"world: {len(world.products)} products, {len(world.stores)} stores; {args.latency_ms} ms per upstream call")
    environ = {"OMNIGATE_PRICE_AUDIT_AT_START": "true", "OMNIGATE_PRICE_AUDIT_REFRESH_S": "3600"}
    started = time.perf_counter()
    async with gateway_on_child_simulators(world, args.scale, environ) as stack:
        await stack.fault(latency_ms=args.latency_ms)
        index = stack.app[REFERENCE_KEY].price_audit
        cold: list[float] = []
        while True:
            ms, connection, warming = await page(stack, None)
            if not warming:
                break
            cold.append(ms)
            await asyncio.sleep(args.probe_ms / 1000)
        built_after = time.perf_counter() - started
        print(f"cold (index building): {len(cold)} pages answered WARMING_UP, {spread(cold) if cold else '-'}")
        print(f"index built {built_after:.2f} s after the gateway started: {connection['totalCount']} discrepancies")

        baseline = []
        for _ in range(args.pages):
            timed = time.perf_counter()
            await stack.graphql("{ __typename }", None, STAFF)
            baseline.append((time.perf_counter() - timed) * 1000)
        print(f"floor, `{{ __typename }}` as staff through the same gateway: {spread(baseline)}")
        for first in (10, 100):
            await stack.reset_calls()
            latencies: list[float] = []
            after = None
            for _ in range(args.pages):
                ms, connection, _ = await page(stack, after, first)
                latencies.append(ms)
                after = connection["pageInfo"]["endCursor"] if connection["pageInfo"]["hasNextPage"] else None
            calls = sum((await stack.calls()).values())
            print(f"built, pages of {first}: {spread(latencies)}; upstream calls for {args.pages} pages: {calls}")

        timed = time.perf_counter()
        index._builds = 0  # the next build reads the web shop and the catalog whole, as the first did
        await index.refresh()
        full = time.perf_counter() - timed
        timed = time.perf_counter()
        await index.refresh()
        incremental = time.perf_counter() - timed
        print(f"old path, a whole scan per page (= one full rebuild): {full * 1000:.0f} ms; "
              f"an incremental rebuild (web shop changes only): {incremental * 1000:.0f} ms "
              f"(reads {audit.READS_AT_ONCE} calls at a time per system)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="default", choices=[s.name.lower() for s in Scale])
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--probe-ms", type=int, default=50)
    asyncio.run(main(parser.parse_args()))
