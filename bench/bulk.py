"""Benchmark: one scenario of bench.compare (by default partner bulk, 100 skus with price, online stock and the
nearest 5 stores with stock) through one Omnigate worker, at concurrency 1 and 10: the gateway's CPU per request
(its own process, from /proc), requests/s, p50, upstream calls per request (`/_sim/stats`) and its RSS.

The same simulators, draws (seeded Zipf) and principals as bench.compare, without its 27 minutes: a cell is a
fixed number of requests, not a duration. Each `--base <tree>` runs another tree's code beside this one's, all
gateways up at once; each round sends one burst per (concurrency, tree), in alternating order, so a noisy
neighbour hurts both alike. Prints each (tree, concurrency)'s median over the rounds and this tree's ratios.

    .venv/bin/python -m bench.bulk [--scenario partner_bulk] [--requests 40] [--rounds 3] [--base /tmp/main]
"""

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import aiohttp

from bench.compare import upstream
from bench.compare.draws import Draw, Draws, Population
from bench.compare.principals import Principals
from bench.compare.processes import free_port, gateway_environ, simulators, stop, wait_for
from bench.compare.procfs import cpu_seconds, rss_mb
from bench.compare.scenarios import SCENARIOS, Scenario
from simulators.world import Scale, build_world

HERE = Path(__file__).resolve().parent.parent
SEED = 42


@dataclass(frozen=True)
class Gateway:
    name: str
    url: str
    pid: int


@dataclass
class Burst:
    rate: float
    cpu_ms: float
    p50_ms: float
    calls: float
    errors: int


@dataclass
class Series:
    bursts: list[Burst] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)


@asynccontextmanager
async def gateway(name: str, tree: Path, sim_url: str, keys_file: Path,
                  extra: dict[str, str]) -> AsyncIterator[Gateway]:
    """`omnigate serve --workers 1` from `tree`'s code (its folder first on the path), configured as
    bench.compare configures it."""
    port = free_port()
    environ = gateway_environ(sim_url, keys_file, port, {**extra, "PYTHONPATH": str(tree)})
    process = subprocess.Popen([sys.executable, "-m", "gateway", "serve", "--workers", "1"], env=environ, cwd=tree,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_for(f"{url}/readyz")
        yield Gateway(name, f"{url}/graphql", process.pid)
    finally:
        stop(process)


async def drive(http: aiohttp.ClientSession, target: Gateway, requests: list[dict[str, Any]],
                concurrency: int) -> tuple[float, list[float], int]:
    """(seconds, latencies in ms, errors): `concurrency` clients, each sending its next request once answered."""
    queue = iter(requests)
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        for request in queue:
            sent = time.perf_counter()
            async with http.post(target.url, json=request["body"], headers=request["headers"]) as r:
                answer = await r.json()
            latencies.append((time.perf_counter() - sent) * 1000)
            errors += r.status != 200 or bool(answer.get("errors"))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors


async def burst(http: aiohttp.ClientSession, sim_url: str, target: Gateway, requests: list[dict[str, Any]],
                concurrency: int) -> Burst:
    await upstream.quiet(http, sim_url, still_s=0.5)
    await upstream.reset(http, sim_url)
    before = cpu_seconds(target.pid)
    elapsed, latencies, errors = await drive(http, target, requests, concurrency)
    spent = cpu_seconds(target.pid) - before
    calls = sum((await upstream.calls(http, sim_url)).values())
    n = len(requests)
    return Burst(n / elapsed, spent * 1000 / n, median(latencies), calls / n, errors)


def requests_of(scenario: Scenario, principals: Principals, draws: list[Draw]) -> list[dict[str, Any]]:
    return [{"body": scenario.body(d), "headers": scenario.headers(principals, d)} for d in draws]


async def main(args: argparse.Namespace) -> None:
    world = build_world(seed=SEED, scale=Scale[args.scale.upper()])
    population = Population.of(world)
    draws = Draws(population, SEED)
    scenario = SCENARIOS[args.scenario]
    slices = args.rounds * len(args.concurrency)
    pool = [draws.draw(scenario.skus) for _ in range(args.warm + slices * args.requests)]
    trees = {"this": HERE, **{Path(b).name: Path(b).resolve() for b in args.base or ()}}
    series: dict[tuple[str, int], Series] = {(t, c): Series() for t in trees for c in args.concurrency}
    with tempfile.TemporaryDirectory() as folder:
        keys_file = Path(folder) / "keys.json"
        principals = Principals.write([s.code for s in population.stores], keys_file)
        requests = requests_of(scenario, principals, pool)
        async with (simulators(args.scale, SEED, args.latency_ms) as sim, AsyncExitStack() as stack,
                    aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as http):
            extra = dict(item.split("=", 1) for item in args.env or ())
            gateways = [await stack.enter_async_context(gateway(name, tree, sim.url, keys_file, extra))
                        for name, tree in trees.items()]
            for target in gateways:  # shared caches, the operation cache and the crosswalk warm
                await drive(http, target, requests[:args.warm], 10)
            bursts = iter(range(args.warm, len(requests), args.requests))
            for round_ in range(args.rounds):
                order = gateways if round_ % 2 == 0 else list(reversed(gateways))
                for concurrency in args.concurrency:
                    start = next(bursts)  # draws of their own: none answered by the response cache
                    chosen = requests[start:start + args.requests]
                    for target in order:
                        found = series[target.name, concurrency]
                        found.bursts.append(await burst(http, sim.url, target, chosen, concurrency))
                        found.rss_mb.append(rss_mb(target.pid))
    report(series, trees, args)


def report(series: dict[tuple[str, int], Series], trees: dict[str, Path], args: argparse.Namespace) -> None:
    env = f", env {' '.join(args.env)}" if args.env else ""
    print(f"{SCENARIOS[args.scenario].title}: bursts of {args.requests} requests, median of {args.rounds} rounds, "
          f"{args.latency_ms} ms per upstream call, scale {args.scale}{env}")
    for name, tree in trees.items():
        print(f"{name}: {tree}")
    width = max(len(name) for name in trees)
    print(f"{'tree':<{width}} {'c':>3} {'req/s':>7} {'p50 ms':>8} {'CPU ms/req':>11} {'calls/req':>10} "
          f"{'errors':>7} RSS MB by round")
    middle: dict[tuple[str, int], tuple[float, float]] = {}
    for (name, concurrency), s in series.items():
        rate, cpu = median(b.rate for b in s.bursts), median(b.cpu_ms for b in s.bursts)
        middle[name, concurrency] = rate, cpu
        print(f"{name:<{width}} {concurrency:>3} {rate:>7.1f} {median(b.p50_ms for b in s.bursts):>8.1f} "
              f"{cpu:>11.2f} {median(b.calls for b in s.bursts):>10.2f} {sum(b.errors for b in s.bursts):>7} "
              + " ".join(f"{r:.0f}" for r in s.rss_mb))
    for base in list(trees)[1:]:
        for concurrency in args.concurrency:
            (rate, cpu), (base_rate, base_cpu) = middle["this", concurrency], middle[base, concurrency]
            print(f"c={concurrency}: this / {base} {rate / base_rate:.2f}x requests/s, {cpu / base_cpu:.2f}x CPU "
                  f"per request")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="partner_bulk", choices=sorted(SCENARIOS))
    parser.add_argument("--requests", type=int, default=40, help="per burst")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=40, help="requests sent to each gateway before measuring")
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--scale", default="default")
    parser.add_argument("--env", action="append", help="NAME=value for every gateway; repeatable")
    parser.add_argument("--base", action="append", help="another tree (e.g. main's, from git archive) to run beside "
                                                        "this one, named by its folder; repeatable")
    asyncio.run(main(parser.parse_args()))
