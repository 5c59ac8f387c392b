"""Benchmark: the availability index (issue 17): its build, its memory, and stock-filtered searches warm.

Simulators in a child process (`omnigate simulate --scale ...`), the gateway in this one, the index built at
start-up. Measures how long the first build took and how many POS calls it made, the index's memory (the
bitmaps serialised, and the sku numbering), then `searchProducts(first: 20, availableAt: {near: Paris,
radiusKm: 5 | 30})` alone and with a text query, each --requests times one after another once warm, with the
response cache off (it would answer repeats without running the query): p50/p99 and upstream calls per
request (`/_sim/stats`). Then, in this process alone, an index of --stores x --skus
(1,000 x 200,000 by default) filled at the demo's carry rate: its memory and a union of 50 stores intersected
with 2,000 search matches, and the POS traffic a build and a check would cost at the default pacing.

    .venv/bin/python -m bench.availability [--scale default] [--requests 200] [--stores 1000] [--skus 200000] \
        [--reads-per-s 50] [--out bench/RESULTS.md]

With --out, the markdown section replaces the file's "## Availability index (issue 17)" section (below
bench.compare's KEPT_MARKER, which it keeps); without, it is printed.
"""

import argparse
import asyncio
import math
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.compare.report import KEPT_MARKER
from gateway.appkeys import REFERENCE_KEY
from gateway.availability import SellableSets
from gateway.availability.index import STORES_PER_CHECK
from gateway.settings import Settings, load_settings
from simulators.world import Scale, build_world
from tests.harness import Stack, api_key

from .latency import gateway_on_child_simulators

HEADING = "## Availability index (issue 17)"
PARIS = {"latitude": 48.8566, "longitude": 2.3522}
SEARCH = """
query Near($near: GeoPointInput!, $km: Float, $q: String) {
  searchProducts(first: 20, query: $q, availableAt: {near: $near, radiusKm: $km}) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { sku name } }
  }
}"""
COUNTS_PAGE = 1000
FILLED = 50  # stores of the synthetic index filled through the index's own code
UNLIMITED = "anonymous=0,customer=0,kiosk=0,partner=0,staff=0"  # one client, as fast as it can ask
CARRY = 0.55  # the demo world's mean share of the catalog a store carries (simulators/world/world.py)


def settings() -> Settings:
    """The defaults, for the figures that follow from them."""
    return load_settings({f"OMNIGATE_{s}_URL": "http://127.0.0.1:1" for s in ("ERP", "POS", "CRM", "WEBSHOP")})


def quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


async def built(stack: Stack, started: float) -> tuple[float, int]:
    """Seconds from the gateway's start to the first build, and the POS calls until then."""
    index = stack.app[REFERENCE_KEY].availability
    assert await index.built(timeout_s=3600), index.failure
    elapsed = time.perf_counter() - started
    async with stack.http.get(f"{stack.sim_url}/_sim/stats") as r:
        pos = (await r.json())["systems"]["pos"]["total"]
    return elapsed, int(pos)


async def timed(stack: Stack, variables: dict[str, object], requests: int, headers: dict[str, str]) \
        -> tuple[float, float, float, int]:
    """(p50 ms, p99 ms, upstream calls per request, totalCount), warm: after one untimed request."""
    await stack.data(SEARCH, variables, headers)
    await stack.reset_calls()
    latencies = []
    total = 0
    for _ in range(requests):
        started = time.perf_counter()
        data = await stack.data(SEARCH, variables, headers)
        latencies.append((time.perf_counter() - started) * 1000)
        total = data["searchProducts"]["totalCount"]
    calls = sum((await stack.calls()).values())
    return quantile(latencies, 50), quantile(latencies, 99), calls / requests, total


def index_memory(sets: SellableSets) -> tuple[float, float]:
    """MB of the bitmaps (serialised: roaring's size in memory within a few percent) and of the numbering."""
    numbering = sys.getsizeof(sets.skus) + sys.getsizeof(sets.number) + sum(sys.getsizeof(s) for s in sets.skus)
    return sets.memory_bytes() / 1e6, numbering / 1e6


def synthetic(stores: int, skus: int, seed: int = 7) -> tuple[float, float, float, float]:
    """An index of `stores` x `skus` at the demo's carry rate (85% of carried pairs in stock): (CPU seconds a
    build spends applying the counts, bitmap MB, numbering MB, ms for a union of 50 stores intersected with
    2,000 matches). The first FILLED stores are filled through `set_counts` (timed, then scaled to all); the
    others get copies of their bitmaps, which have the same density and so the same size."""
    rng = random.Random(seed)
    names = [f"SKU-{n:07d}" for n in range(skus)]
    codes = [f"S{n:04d}" for n in range(stores)]
    sets = SellableSets(names, codes)
    sample = max(1, int(skus * CARRY * 0.85))
    filled = codes[:FILLED]
    started = time.process_time()
    for code in filled:
        sets.set_counts((names[n], code, 1) for n in rng.sample(range(skus), sample))
    apply_s = (time.process_time() - started) * stores / len(filled)
    for k, code in enumerate(codes[len(filled):]):  # the same density: a copy of a filled store's bitmaps
        source = filled[k % len(filled)]
        sets._stocked[code] = sets._stocked[source].copy()
        sets._sellable[code] = sets._sellable[source].copy()
    bitmaps, numbering = index_memory(sets)
    matches = sets.numbers(rng.sample(names, 2000))
    nearby = codes[:50]
    started = time.perf_counter()
    for _ in range(100):
        _ = len(matches & sets.sellable_in(nearby))
    return apply_s, bitmaps, numbering, (time.perf_counter() - started) * 10


async def measure(args: argparse.Namespace) -> list[str]:
    world = build_world(seed=42, scale=Scale[args.scale.upper()])
    defaults = settings()
    text = Counter(p.name.split()[0] for p in world.products).most_common(1)[0][0]
    lines = [f"### `--scale {args.scale}`: {len(world.stores)} stores, {len(world.products)} products", ""]
    started = time.perf_counter()
    environ = {"OMNIGATE_AVAILABILITY_AT_START": "true", "OMNIGATE_RATE_LIMITS": UNLIMITED,
               "OMNIGATE_RESPONSE_CACHE_MB": "0"}
    if args.reads_per_s is not None:
        environ["OMNIGATE_AVAILABILITY_READS_PER_S"] = str(args.reads_per_s)
    async with gateway_on_child_simulators(world, args.scale, environ) as stack:
        build_s, pos_calls = await built(stack, started)
        sets = stack.app[REFERENCE_KEY].availability.sets
        assert sets is not None
        bitmaps, numbering = index_memory(sets)
        per_s = args.reads_per_s or defaults.availability_reads_per_s
        lines += [f"- First build: {build_s:.1f} s from the gateway's start, {pos_calls} POS calls in all "
                  f"(start-up's included; {defaults.availability_reads_at_once} reads at once, at most "
                  f"{per_s:.0f} a second).",
                  f"- Memory: bitmaps {bitmaps:.2f} MB, sku numbering {numbering:.2f} MB.", "",
                  "| search | totalCount | p50 ms | p99 ms | upstream calls / request |",
                  "| --- | --- | --- | --- | --- |"]
        partner = api_key(stack.keys.partner)
        for km in (5, 30):
            for query in (None, text):
                p50, p99, calls, total = await timed(stack, {"near": PARIS, "km": km, "q": query}, args.requests,
                                                     partner)
                label = f"near Paris, {km} km" + (f", query \"{query}\"" if query else "")
                lines.append(f"| {label} | {total} | {p50:.1f} | {p99:.1f} | {calls:.2f} |")
    return [*lines, ""]


def extrapolation(args: argparse.Namespace) -> list[str]:
    defaults = settings()
    build_s, bitmaps, numbering, query_ms = synthetic(args.stores, args.skus)
    pairs = args.stores * args.skus * CARRY
    pages = math.ceil(pairs / COUNTS_PAGE)
    per_check = math.ceil(args.stores / STORES_PER_CHECK)
    return [f"### {args.stores:,} stores x {args.skus:,} skus (in process, the demo's carry rate)", "",
            f"- Memory: bitmaps {bitmaps:.1f} MB, sku numbering {numbering:.1f} MB; applying every count costs "
            f"about {build_s:.0f} s of the gateway's CPU over a build.",
            f"- A union of 50 stores intersected with 2,000 search matches: {query_ms:.2f} ms.",
            f"- POS traffic: a build reads about {pairs / 1e6:.0f} million counts, {pages:,} pages of 1,000, which "
            f"at the default pacing ({defaults.availability_reads_per_s:.0f} a second) takes about "
            f"{pages / defaults.availability_reads_per_s / 60:.1f} minutes per replica; a check every "
            f"{defaults.availability_check_s:.0f} s is {per_check} call(s) (one per {STORES_PER_CHECK} stores) plus "
            "one per 1,000 counts changed since; an event without a count (Omnigate's own hold writes) costs one "
            "coalesced re-read call.", ""]


def section(lines: list[str], command: str) -> str:
    return "\n".join([HEADING, "", f"Written by `{command}` on {datetime.now(UTC):%Y-%m-%d} (bench/availability.py).",
                      "", *lines]).rstrip("\n") + "\n"


def write(out: Path, text: str) -> None:
    """Replaces the section (or adds it) below bench.compare's marker, which is added when missing."""
    current = out.read_text() if out.exists() else ""
    if KEPT_MARKER not in current:
        current = current.rstrip("\n") + "\n\n" + KEPT_MARKER + "\n"
    head, _, kept = current.partition(KEPT_MARKER)
    before, found, after = kept.partition(HEADING)
    rest = after[after.find("\n## "):] if found and "\n## " in after else ""
    out.write_text(head + KEPT_MARKER + before.rstrip("\n") + "\n\n" + text + rest)


async def main(args: argparse.Namespace) -> None:
    lines: list[str] = []
    for scale in args.scale.split(","):
        lines += await measure(argparse.Namespace(**{**vars(args), "scale": scale}))
    lines += extrapolation(args)
    text = section(lines, "python -m bench.availability " + " ".join(sys.argv[1:]))
    if args.out is None:
        print(text)
    else:
        write(args.out, text)
        print(f"wrote the section into {args.out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="default", help="one or more of small, default, large, comma-separated")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--skus", type=int, default=200_000)
    parser.add_argument("--reads-per-s", type=float, default=None,
                        help="the index's pacing (OMNIGATE_AVAILABILITY_READS_PER_S); the default's when left out")
    parser.add_argument("--out", type=Path, default=None)
    asyncio.run(main(parser.parse_args()))
