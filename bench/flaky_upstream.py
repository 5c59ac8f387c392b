"""Benchmark: how much of a flaky or dead POS the gateway hides, and how fast it stops calling a dead one.

Simulators and gateway in this process on 127.0.0.1 (the test harness), reference data warmed, then:
(1) with the POS failing `--error-rate` of its calls (seeded), `--reads` product stock reads, each on a
product nothing has cached, `--concurrency` at a time: how many got their store stock, and how many
calls the POS saw; (2) with the POS down and `--concurrency` clients reading stock for `--dead-s`
seconds: when its breaker opened (from the client's snapshot), how many calls reached the POS, and the
answer times before and after. Run with `--no-retries` for the same without retries (and without a
deadline header, on the code of a branch that predates them: `PYTHONPATH=<that tree> python
bench/flaky_upstream.py`).

    .venv/bin/python -m bench.flaky_upstream [--reads 200] [--error-rate 0.4] [--concurrency 4] [--dead-s 2]
"""

import argparse
import asyncio
import logging
import statistics
import time
from typing import Any

from gateway.appkeys import BACKENDS_KEY
from gateway.schema.relay import global_id
from simulators.world import Scale, build_world
from tests.harness import Stack, running_stack

STOCK = "query($sku: String!, $store: ID!) { product(sku: $sku) { availabilityInStore(storeId: $store) { quantity } } }"


async def stock_read(stack: Stack, sku: str) -> tuple[bool, float]:
    store = global_id("Store", stack.world.stores[0].code)
    started = time.perf_counter()
    body = await stack.graphql(STOCK, {"sku": sku, "store": store})
    product = (body.get("data") or {}).get("product") or {}
    return product.get("availabilityInStore") is not None, time.perf_counter() - started


async def pos_calls(stack: Stack) -> int:
    async with stack.http.get(f"{stack.sim_url}/_sim/stats") as r:
        stats = await r.json()
    return int(stats["systems"]["pos"]["total"])


def breaker_state(stack: Stack) -> str:
    pos = next(h for h in stack.app[BACKENDS_KEY].health if h.system.value == "pos")
    snapshot = getattr(pos, "health_snapshot", None)  # absent on code that predates the breaker's snapshot
    return str(snapshot().breaker) if snapshot else "?"


async def flaky(stack: Stack, skus: list[str], error_rate: float, concurrency: int) -> None:
    await stack.reset_calls()
    await stack.fault(system="pos", error_rate=error_rate)
    gate = asyncio.Semaphore(concurrency)

    async def one(sku: str) -> tuple[bool, float]:
        async with gate:
            return await stock_read(stack, sku)

    results = await asyncio.gather(*(one(sku) for sku in skus))
    served = sum(ok for ok, _ in results)
    times = sorted(t for _, t in results)
    print(f"flaky POS ({error_rate:.0%} errors): {served}/{len(skus)} reads got store stock "
          f"({served / len(skus):.1%}); POS calls {await pos_calls(stack)} ({await pos_calls(stack) / len(skus):.2f}"
          f" a read); p50 {statistics.median(times) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms; "
          f"breaker {breaker_state(stack)}, retries in its window {_retries(stack)}")
    await stack.fault(system="pos", error_rate=0.0)


async def dead(stack: Stack, skus: list[str], concurrency: int, seconds: float) -> None:
    await stack.reset_calls()
    await stack.fault(system="pos", down=True)
    started = time.perf_counter()
    opened_at: float | None = None
    answers: list[tuple[float, float]] = []  # (when, how long)
    queue = iter(skus)

    async def client() -> None:
        nonlocal opened_at
        while time.perf_counter() - started < seconds:
            sku = next(queue, skus[0])
            asked = time.perf_counter() - started
            _, took = await stock_read(stack, sku)
            answers.append((asked, took))
            if opened_at is None and breaker_state(stack) == "open":
                opened_at = time.perf_counter() - started

    await asyncio.gather(*(client() for _ in range(concurrency)))
    calls = await pos_calls(stack)
    alone = sorted([(await stock_read(stack, skus[-1 - i]))[1] for i in range(20)])  # one at a time, no queueing
    before = [took for when, took in answers if opened_at is None or when < opened_at]
    after = [took for when, took in answers if opened_at is not None and when >= opened_at]
    opened = f"{opened_at * 1000:.0f} ms" if opened_at is not None else "never"
    print(f"dead POS, {concurrency} clients for {seconds:.1f} s: breaker open after {opened}; {len(answers)} answers, "
          f"{calls} POS calls; answer p50 under that load before it opened {_p50(before)}, after {_p50(after)}; "
          f"one read at a time, breaker {breaker_state(stack)}: p50 {_p50(alone)}")
    await stack.fault(system="pos", down=False)


def _retries(stack: Stack) -> str:
    pos = next(h for h in stack.app[BACKENDS_KEY].health if h.system.value == "pos")
    snapshot = getattr(pos, "health_snapshot", None)
    return str(snapshot().window_retries) if snapshot else "?"


def _p50(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.1f} ms" if times else "-"


async def main(args: argparse.Namespace) -> None:
    logging.disable(logging.WARNING)  # one line per failed field otherwise
    world = build_world(seed=42, scale=Scale.SMALL)
    # admission control lifted: this measures the upstream client, and 32 clients would queue past its defaults
    environ: dict[str, Any] = {"OMNIGATE_UPSTREAM_TIMEOUT_S": "2.0", "OMNIGATE_MAX_IN_FLIGHT": "1000"}
    if args.no_retries:
        environ["OMNIGATE_UPSTREAM_RETRIES"] = "0"
    skus = [p.sku for p in world.products if not p.delisted]
    assert args.reads <= len(skus) // 2, f"at most {len(skus) // 2} cold reads in this world"
    async with running_stack(world, environ) as stack:
        await stack.warm()
        await flaky(stack, skus[:args.reads], args.error_rate, args.concurrency)
    async with running_stack(world, environ) as stack:  # a fresh breaker and cold caches
        await stack.warm()
        await dead(stack, skus[args.reads:], args.dead_concurrency, args.dead_s)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--error-rate", type=float, default=0.4)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--dead-concurrency", type=int, default=32)
    parser.add_argument("--dead-s", type=float, default=2.0)
    parser.add_argument("--no-retries", action="store_true")
    asyncio.run(main(parser.parse_args()))
