"""Benchmark: what tracing costs, as requests per second through the gateway with no exporter (the SDK not
installed: the API's no-op tracer), with the console exporter writing to /dev/null, and with an in-memory
exporter (both through the SDK's batch span processor, every trace sampled).

Each mode runs in a process of its own (the tracer provider is process-wide), simulators in another, all on
127.0.0.1, shared caches warm so the gateway's own cost dominates. Prints requests/s and p50 per mode and
each mode's ratio to `none`; figures from one run on a shared machine.

    .venv/bin/python -m bench.tracing [--requests 400] [--concurrency 8] [--rounds 3]
"""

import argparse
import asyncio
import os
import subprocess
import sys

from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bench.latency import documents, gateway_on_child_simulators, throughput, timed
from gateway.telemetry import add_span_exporter
from simulators.world import Scale, build_world

MODES = ("none", "console-devnull", "in-memory")
DOCUMENT = "mobile product page"


def install(mode: str) -> None:
    exporter: SpanExporter
    if mode == "console-devnull":
        exporter = ConsoleSpanExporter(out=open(os.devnull, "w"))  # noqa: SIM115 (open for the process' life)
    elif mode == "in-memory":
        exporter = InMemorySpanExporter()
    else:
        return
    add_span_exporter(exporter, BatchSpanProcessor)


async def measure(args: argparse.Namespace) -> None:
    """One mode, in this process: prints `req/s p50`."""
    install(args.mode)
    world = build_world(seed=42, scale=Scale.SMALL)
    async with gateway_on_child_simulators(world, "small", {"OTEL_TRACES_EXPORTER": "none"}) as stack:
        await stack.warm()
        query, variables = documents(stack)[DOCUMENT]
        for _ in range(20):
            await timed(stack, query, variables)
        rate, p50, _ = await throughput(stack, query, variables, args.requests, args.concurrency)
        print(f"{rate:.1f} {p50:.2f}")


def main(args: argparse.Namespace) -> None:
    results: dict[str, list[tuple[float, float]]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode in MODES:  # interleaved, so a noisy neighbour hurts every mode alike
            out = subprocess.run([sys.executable, "-m", "bench.tracing", "--mode", mode, "--requests",
                                  str(args.requests), "--concurrency", str(args.concurrency)],
                                 capture_output=True, text=True, check=True, env={**os.environ,
                                                                                  "OTEL_TRACES_EXPORTER": "none"})
            measured = out.stdout.split()[-2:]
            results[mode].append((float(measured[0]), float(measured[1])))
    base = max(r for r, _ in results["none"])
    print(f"{DOCUMENT}, warm caches, concurrency {args.concurrency}, best of {args.rounds}")
    print(f"{'exporter':<16} {'req/s':>7} {'p50 ms':>7} {'vs none':>8}")
    for mode, runs in results.items():
        best, median = max(runs)
        print(f"{mode:<16} {best:>7.1f} {median:>7.2f} {best / base:>8.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", choices=MODES)
    parsed = parser.parse_args()
    if parsed.mode:
        asyncio.run(measure(parsed))
    else:
        main(parsed)
