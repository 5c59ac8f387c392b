"""Benchmark: the gateway's CPU per request once parsing and validation are cached, i.e. the work done per field,
for the 10-products document (price and stock in one store) and the mobile product page, shared caches warm.

The simulators and each gateway (`omnigate serve`, one worker) run in processes of their own on 127.0.0.1; this
process only drives the load, so a gateway's CPU time (user + system, read from /proc around a burst) is its own.
Each `--base <tree>` adds a gateway running that tree's code (its PYTHONPATH) beside this tree's, to compare
commits in one run. All stay up; each round sends one short burst per (document, tree), in alternating order,
so a noisy neighbour on a shared machine hurts both alike. Prints each (tree, document)'s median over the rounds
and the ratio of this tree to each base.

    .venv/bin/python -m bench.per_field [--requests 200] [--concurrency 8] [--rounds 10] [--base /tmp/base]
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from statistics import median

import aiohttp

from bench.latency import _free_port, _wait_for
from bench.operation_cache import cpu_seconds, drive
from gateway.schema.relay import global_id
from simulators.world import Scale, World, build_world
from tests.harness import JWT_SECRET, Keys
from tests.test_gateway_batching import MOBILE_PRODUCT_PAGE, PARIS

TEN_PRODUCTS = """
query TenProducts($skus: [String!]!, $store: ID!) {
  products(skus: $skus) {
    sku name price { amount { amount currencyCode } } availabilityInStore(storeId: $store) { quantity status }
  }
}"""
WARM_REQUESTS = 100
HERE = Path(__file__).resolve().parent.parent


def documents(world: World) -> dict[str, dict[str, object]]:
    """The two request bodies, by name: 10 listed skus in one store, and a product page with accessories."""
    products = [p for p in world.products if not p.delisted and p.webshop_id is not None]
    return {
        "10 products": {"query": TEN_PRODUCTS, "variables": {"skus": [p.sku for p in products[:10]],
                                                             "store": global_id("Store", world.stores[0].code)}},
        "product page": {"query": MOBILE_PRODUCT_PAGE,
                         "variables": {"sku": next(p.sku for p in products if p.relations), "near": PARIS}},
    }


@asynccontextmanager
async def simulators(scale: str = "small") -> AsyncIterator[str]:
    """The four simulators in one process of their own; yields their base URL."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "gateway", "simulate", "--port", str(port), "--scale", scale],
                               stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        await _wait_for(f"{url}/_sim/stats")
        yield url
    finally:
        process.terminate()
        process.wait()


@asynccontextmanager
async def gateway(tree: Path, sim_url: str, keys_file: Path) -> AsyncIterator[tuple[str, int]]:
    """`omnigate serve` from `tree`'s code, tracing off; yields its base URL and process id."""
    port = _free_port()
    environ = {**os.environ, **{f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in ("erp", "pos", "crm",
                                                                                        "webshop")},
               "PYTHONPATH": str(tree), "OMNIGATE_JWT_SECRET": JWT_SECRET, "OMNIGATE_API_KEYS_FILE": str(keys_file),
               "OMNIGATE_PORT": str(port), "OMNIGATE_UPSTREAM_TIMEOUT_S": "10",
               "OMNIGATE_MAX_CONNECTIONS_PER_CLIENT": "0", "OMNIGATE_PRICE_AUDIT_AT_START": "false",
               "OTEL_TRACES_EXPORTER": "none"}
    process = subprocess.Popen([sys.executable, "-m", "gateway", "serve", "--workers", "1"], env=environ, cwd=tree,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        await _wait_for(f"{url}/healthz")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait()


async def burst(http: aiohttp.ClientSession, url: str, pid: int, body: dict[str, object],
                args: argparse.Namespace) -> tuple[float, float]:
    """(requests/s, gateway CPU ms per request) of one burst of one document."""
    before = cpu_seconds(pid)
    elapsed = await drive(http, f"{url}/graphql", body, args.requests, args.concurrency)
    return args.requests / elapsed, (cpu_seconds(pid) - before) * 1000 / args.requests


async def main(args: argparse.Namespace) -> None:
    world = build_world(seed=42, scale=Scale.SMALL)
    bodies = documents(world)
    trees = {"this": HERE, **{Path(b).name: Path(b).resolve() for b in args.base or ()}}
    results: dict[tuple[str, str], list[tuple[float, float]]] = {(t, d): [] for t in trees for d in bodies}
    with tempfile.TemporaryDirectory() as folder:
        keys_file = Path(folder) / "keys.json"
        Keys.write(world, keys_file)
        async with simulators() as sim_url, AsyncExitStack() as stack, aiohttp.ClientSession() as http:
            gateways = {name: await stack.enter_async_context(gateway(tree, sim_url, keys_file))
                        for name, tree in trees.items()}
            for (url, _), body in ((g, b) for g in gateways.values() for b in bodies.values()):
                await drive(http, f"{url}/graphql", body, WARM_REQUESTS, args.concurrency)  # shared caches warm
            for round_ in range(args.rounds):
                order = list(gateways.items()) if round_ % 2 == 0 else list(reversed(gateways.items()))
                for document, body in bodies.items():
                    for name, (url, pid) in order:
                        results[name, document].append(await burst(http, url, pid, body, args))
    report(results, trees, args)


def report(results: dict[tuple[str, str], list[tuple[float, float]]], trees: dict[str, Path],
           args: argparse.Namespace) -> None:
    print(f"shared caches warm, bursts of {args.requests} requests at concurrency {args.concurrency}, median of "
          f"{args.rounds} rounds")
    for name, tree in trees.items():
        print(f"{name}: {tree}")
    width = max(len(name) for name in trees)
    print(f"{'tree':<{width}} {'document':<14} {'req/s':>7} {'CPU ms/req':>11}")
    middle = {key: (median(r for r, _ in runs), median(c for _, c in runs)) for key, runs in results.items()}
    for (name, document), (rate, cpu_ms) in middle.items():
        print(f"{name:<{width}} {document:<14} {rate:>7.1f} {cpu_ms:>11.2f}")
    for base in list(trees)[1:]:
        for document in dict.fromkeys(d for _, d in middle):
            (rate, cpu), (base_rate, base_cpu) = middle["this", document], middle[base, document]
            print(f"{document}: this / {base} {rate / base_rate:.2f}x requests/s, {cpu / base_cpu:.2f}x CPU per "
                  f"request")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per burst")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--base", action="append", help="another tree (e.g. main's, from git archive) to run beside "
                                                        "this one, named by its folder; repeatable")
    asyncio.run(main(parser.parse_args()))
