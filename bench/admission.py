"""Benchmark: how fast `/healthz` answers while 100 expensive documents arrive at once, with admission control
as configured by default, at other limits, and lifted (`OMNIGATE_MAX_IN_FLIGHT` = 100000).

Simulators in a child process, the gateway in this one, both on 127.0.0.1; shared caches off so every document
goes to the back offices. Each round sends `--concurrent` partner bulk reads of 100 skus at once while a separate
client asks `/healthz` every 10 ms (on the main port from this process's loop; in the "probe port" modes on
the probe port, from a thread, as the kubelet would ask from outside); prints the probes' p50, p95 and worst,
and how the documents were answered.
The target (issue 12): the probes answer within 50 ms under any load this can make.

    .venv/bin/python -m bench.admission [--concurrent 100] [--rounds 3] [--scale small]
"""

import argparse
import asyncio
import statistics
import threading
import time
import urllib.request
from collections import Counter

import aiohttp

from bench.latency import UNCACHED, gateway_on_child_simulators
from gateway.appkeys import PROBES_KEY
from simulators.world import Scale, build_world
from tests.harness import STAFF
from tests.test_gateway_batching import BULK, PARIS

MODES = {"defaults": {}, **{f"in flight {n}": {"OMNIGATE_MAX_IN_FLIGHT": str(n)} for n in (2, 4, 32)},
         "no admission": {"OMNIGATE_MAX_IN_FLIGHT": "100000"},
         "probe port": {"OMNIGATE_PROBE_PORT": "0"}, "probe port, no admission": {
             "OMNIGATE_PROBE_PORT": "0", "OMNIGATE_MAX_IN_FLIGHT": "100000"}}


async def flood(url: str, document: dict[str, object], concurrent: int) -> Counter[int]:
    connector = aiohttp.TCPConnector(limit=concurrent)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def one() -> int:
            async with http.post(f"{url}/graphql", json=document, headers=STAFF) as r:
                await r.read()
                return r.status

        return Counter(await asyncio.gather(*(one() for _ in range(concurrent))))


async def probe(url: str, stop: asyncio.Event, waits: list[float]) -> None:
    async with aiohttp.ClientSession() as http:
        while not stop.is_set():
            started = time.perf_counter()
            async with http.get(f"{url}/healthz") as r:
                await r.read()
            waits.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.01)


def probe_in_thread(port: int, stop: threading.Event, waits: list[float]) -> None:
    """The probe port's client from a thread, as the kubelet is another process: never on the gateway's loop."""
    while not stop.is_set():
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            response.read()
        waits.append((time.perf_counter() - started) * 1000)
        time.sleep(0.01)


async def main(args: argparse.Namespace) -> None:
    world = build_world(seed=42, scale=Scale[args.scale.upper()])
    skus = [p.sku for p in world.products if not p.delisted][:100]
    document: dict[str, object] = {"query": BULK, "variables": {"skus": skus, "near": PARIS}}
    print(f"{'mode':<22} {'healthz p50':>11} {'p95 ms':>7} {'max ms':>7} {'probes':>6} {'flood s':>7}  answers")
    for mode, environ in MODES.items():
        async with gateway_on_child_simulators(world, args.scale, {**UNCACHED, **environ}) as stack:
            await stack.warm()
            await flood(stack.gateway_url, document, 4)  # warm connections and code paths
            waits: list[float] = []
            answers: Counter[int] = Counter()
            started = time.perf_counter()
            for _ in range(args.rounds):
                if PROBES_KEY in stack.app:
                    halt = threading.Event()
                    thread = threading.Thread(target=probe_in_thread, args=(stack.app[PROBES_KEY].port, halt, waits))
                    thread.start()
                    answers += await flood(stack.gateway_url, document, args.concurrent)
                    halt.set()
                    thread.join()
                    continue
                stop = asyncio.Event()
                probing = asyncio.create_task(probe(stack.gateway_url, stop, waits))
                answers += await flood(stack.gateway_url, document, args.concurrent)
                stop.set()
                await probing
            elapsed = time.perf_counter() - started
            cuts = statistics.quantiles(waits, n=20)
            print(f"{mode:<22} {cuts[9]:>11.1f} {cuts[18]:>7.1f} {max(waits):>7.1f} {len(waits):>6} {elapsed:>7.1f}  "
                  + ", ".join(f"{status}: {n}" for status, n in sorted(answers.items())))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", choices=("small", "default"), default="small")
    asyncio.run(main(parser.parse_args()))
