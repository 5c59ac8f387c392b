"""Benchmark: what a client waits for through the gateway, against the back-office calls it saves them.

Runs the simulators in a child process (`omnigate simulate`, small world by default) and the gateway in
this one, both on 127.0.0.1, so the gateway's own cost is what this process spends; warms it, then for
each document, with the shared caches warm and then expiring at once: (1) with no injected latency,
throughput and latency percentiles at a given concurrency; (2) without caches and with every simulated
call delayed by --latency-ms, the gateway's time per request divided by the
time the same upstream calls would take one after another (a hand-written BFF calling them in sequence).
A ratio below 1 is the concurrency the gateway buys. Figures are ratios from one run: the machine is shared.

    .venv/bin/python -m bench.latency [--requests 200] [--concurrency 8] [--latency-ms 30] [--scale small]
"""

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from gateway.app import build_app
from gateway.http.listener import start
from gateway.settings import load_settings
from simulators.world import Scale, World, build_world
from tests.harness import JWT_SECRET, STAFF, Keys, Stack
from tests.test_gateway_batching import BULK, CUSTOMER_360, MOBILE_PRODUCT_PAGE, PARIS

SAMPLES = 10
UNCACHED = {f"OMNIGATE_{kind}_TTL_S": "0.000001" for kind in ("CATALOG", "PRICE", "STOCK")}


def documents(stack: Stack) -> dict[str, tuple[str, dict[str, Any]]]:
    world = stack.world
    products = [p for p in world.products if not p.delisted and p.webshop_id is not None]
    customer = next(c for c in world.customers if c.card and c.webshop_id and world.history.wishlist(c))
    return {
        "mobile product page": (MOBILE_PRODUCT_PAGE, {"sku": next(p.sku for p in products if p.relations),
                                                      "near": PARIS}),
        "partner bulk, 100 skus": (BULK, {"skus": [p.sku for p in products[:100]], "near": PARIS}),
        "customer 360": (CUSTOMER_360, {"card": customer.card}),
    }


async def timed(stack: Stack, query: str, variables: dict[str, Any]) -> float:
    started = time.perf_counter()
    body = await stack.graphql(query, variables, STAFF)
    assert "errors" not in body, body["errors"]
    return time.perf_counter() - started


async def throughput(stack: Stack, query: str, variables: dict[str, Any], requests: int,
                     concurrency: int) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p95 ms)."""
    latencies: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            latencies.append(await timed(stack, query, variables))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=20)
    return requests / elapsed, cuts[9] * 1000, cuts[18] * 1000


async def saving(stack: Stack, query: str, variables: dict[str, Any], latency_ms: int) -> tuple[int, float, float]:
    """(upstream calls per request, gateway ms, gateway time / the same calls in sequence)."""
    await stack.reset_calls()
    await stack.graphql(query, variables, STAFF)
    calls = sum((await stack.calls()).values())
    await stack.fault(latency_ms=latency_ms)
    waits = [await timed(stack, query, variables) for _ in range(SAMPLES)]
    await stack.fault(latency_ms=0)
    gateway_ms = statistics.median(waits) * 1000
    return calls, gateway_ms, gateway_ms / (calls * latency_ms)


@asynccontextmanager
async def gateway_on_child_simulators(world: World, scale: str, environ: dict[str, str]) -> AsyncIterator[Stack]:
    port = _free_port()
    child = subprocess.Popen([sys.executable, "-m", "gateway", "simulate", "--port", str(port), "--scale", scale],
                             stdout=subprocess.DEVNULL)
    sim_url = f"http://127.0.0.1:{port}"
    folder = tempfile.TemporaryDirectory()
    try:
        await _wait_for(f"{sim_url}/_sim/stats")
        keys = Keys.write(world, Path(folder.name) / "keys.json")
        settings = load_settings({
            **{f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in ("erp", "pos", "crm", "webshop")},
            "OMNIGATE_JWT_SECRET": JWT_SECRET, "OMNIGATE_API_KEYS_FILE": str(Path(folder.name) / "keys.json"),
            "OMNIGATE_UPSTREAM_TIMEOUT_S": "10", "OMNIGATE_PORT": "0",
            "OMNIGATE_MAX_CONNECTIONS_PER_CLIENT": "0",  # every simulated client comes from 127.0.0.1
            "OMNIGATE_PRICE_AUDIT_AT_START": "false",  # its background build would count in every document's calls
            **environ})
        runner = await start(build_app(settings), settings, shutdown_timeout_s=1.0)
        try:
            async with aiohttp.ClientSession() as http:
                yield Stack(world, sim_url, f"http://127.0.0.1:{runner.addresses[0][1]}", http, runner.app, keys)
        finally:
            await runner.cleanup()
    finally:
        child.terminate()
        child.wait()
        folder.cleanup()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _wait_for(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url):
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"the simulators did not start at {url}")


async def main(args: argparse.Namespace) -> None:
    """Once with the shared caches as configured by default, once with them expiring at once (every
    request goes to the back offices: the upstream calls and the concurrency saving are measured there)."""
    world = build_world(seed=42, scale=Scale[args.scale.upper()])
    print(f"world: {len(world.stores)} stores, {len(world.products)} products, {len(world.customers)} customers")
    print(f"{'document':<24} {'cache':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'calls':>6} "
          f"{'ms @' + str(args.latency_ms):>8} {'vs sequential':>13}")
    for cache, environ in (("warm", {}), ("off", UNCACHED)):
        async with gateway_on_child_simulators(world, args.scale, environ) as stack:
            await stack.warm()
            for name, (query, variables) in documents(stack).items():
                await timed(stack, query, variables)
                rate, p50, p95 = await throughput(stack, query, variables, args.requests, args.concurrency)
                line = f"{name:<24} {cache:>6} {rate:>7.1f} {p50:>7.1f} {p95:>7.1f}"
                if cache == "off":
                    calls, gateway_ms, ratio = await saving(stack, query, variables, args.latency_ms)
                    line += f" {calls:>6} {gateway_ms:>8.0f} {ratio:>13.2f}"
                print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument("--scale", choices=("small", "default"), default="small")
    asyncio.run(main(parser.parse_args()))
