"""Benchmark: what the operation cache saves, as requests/s and gateway CPU per request for one repeated mobile
product page document with the shared caches warm, the cache on (the default size) and off (size 0).

The simulators and the gateway (`omnigate serve`) each run in a process of their own on 127.0.0.1; this process
only drives the load, so the gateway's CPU time (user + system, read from /proc before and after) is its own.
Each mode is warmed, then measured; modes are interleaved over rounds so a noisy neighbour hurts both alike.
Prints each mode's best round and the ratio of on to off; figures from one run on a shared machine.

    .venv/bin/python -m bench.operation_cache [--requests 600] [--concurrency 8] [--rounds 2]
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.latency import _free_port, _wait_for
from simulators.world import Scale, build_world
from tests.harness import JWT_SECRET, STAFF, Keys
from tests.test_gateway_batching import MOBILE_PRODUCT_PAGE, PARIS

MODES = {"on": "1000", "off": "0"}  # OMNIGATE_OPERATION_CACHE_SIZE
WARM_REQUESTS = 100
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc/<pid>/stat (fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def drive(http: aiohttp.ClientSession, url: str, body: dict[str, object], requests: int,
                concurrency: int) -> float:
    """Sends `requests` copies of the body from `concurrency` workers; the elapsed seconds."""
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            async with http.post(url, json=body, headers=STAFF) as r:
                answer = await r.json()
                assert r.status == 200 and "errors" not in answer, answer

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def one_mode(sim_url: str, keys_file: Path, size: str, body: dict[str, object],
                   args: argparse.Namespace) -> tuple[float, float]:
    """(requests/s, gateway CPU ms per request) of a fresh gateway with the operation cache of `size`."""
    port = _free_port()
    environ = {**os.environ, **{f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in ("erp", "pos", "crm",
                                                                                        "webshop")},
               "OMNIGATE_JWT_SECRET": JWT_SECRET, "OMNIGATE_API_KEYS_FILE": str(keys_file),
               "OMNIGATE_PORT": str(port), "OMNIGATE_UPSTREAM_TIMEOUT_S": "10",
               "OMNIGATE_MAX_CONNECTIONS_PER_CLIENT": "0", "OMNIGATE_PRICE_AUDIT_AT_START": "false",
               "OTEL_TRACES_EXPORTER": "none",
               "OMNIGATE_OPERATION_CACHE_SIZE": size}
    gateway = subprocess.Popen([sys.executable, "-m", "gateway", "serve", "--workers", "1"], env=environ,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        await _wait_for(f"{base}/healthz")
        async with aiohttp.ClientSession() as http:
            await drive(http, f"{base}/graphql", body, WARM_REQUESTS, args.concurrency)  # shared caches warm
            before = cpu_seconds(gateway.pid)
            elapsed = await drive(http, f"{base}/graphql", body, args.requests, args.concurrency)
            spent = cpu_seconds(gateway.pid) - before
        return args.requests / elapsed, spent * 1000 / args.requests
    finally:
        gateway.terminate()
        gateway.wait()


async def main(args: argparse.Namespace) -> None:
    world = build_world(seed=42, scale=Scale.SMALL)
    products = [p for p in world.products if not p.delisted and p.webshop_id is not None]
    body: dict[str, object] = {"query": MOBILE_PRODUCT_PAGE,
                               "variables": {"sku": next(p.sku for p in products if p.relations), "near": PARIS}}
    port = _free_port()
    simulators = subprocess.Popen([sys.executable, "-m", "gateway", "simulate", "--port", str(port), "--scale",
                                   "small"], stdout=subprocess.DEVNULL)
    folder = tempfile.TemporaryDirectory()
    try:
        sim_url = f"http://127.0.0.1:{port}"
        await _wait_for(f"{sim_url}/_sim/stats")
        keys_file = Path(folder.name) / "keys.json"
        Keys.write(world, keys_file)
        results: dict[str, list[tuple[float, float]]] = {mode: [] for mode in MODES}
        for _ in range(args.rounds):
            for mode, size in MODES.items():
                results[mode].append(await one_mode(sim_url, keys_file, size, body, args))
    finally:
        simulators.terminate()
        simulators.wait()
        folder.cleanup()
    best = {mode: max(runs) for mode, runs in results.items()}
    print(f"mobile product page, repeated, shared caches warm, {args.requests} requests at concurrency "
          f"{args.concurrency}, best of {args.rounds}")
    print(f"{'operation cache':<16} {'req/s':>7} {'CPU ms/req':>11}")
    for mode, (rate, cpu_ms) in best.items():
        print(f"{mode:<16} {rate:>7.1f} {cpu_ms:>11.2f}")
    (on_rate, on_cpu), (off_rate, off_cpu) = best["on"], best["off"]
    print(f"on / off: {on_rate / off_rate:.2f}x requests/s, {on_cpu / off_cpu:.2f}x CPU per request")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
