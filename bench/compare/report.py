"""bench/RESULTS.md: where and how the run was made, a table per scenario with ratios to the floor and to the
peer, the targets, the ablations and the soak."""

from .cells import Cell
from .config import Config
from .machine import describe
from .results import Results, ScenarioRun
from .scenarios import SCENARIOS
from .verdicts import table

# Sections other benchmarks write into RESULTS.md sit below this line; a rewrite keeps them (`keep_sections`).
KEPT_MARKER = "<!-- Written by other benchmarks (bench/availability.py, ...): bench.compare keeps what follows. -->"
SMOKE_CELLS = "smoke cells: two requests per connection, the c=10 and c=50 columns at 2 and 4 connections"
GENERATOR_SATURATED = 0.9  # autocannon's CPU seconds per second past which its figures are the generator's


def write_report(results: Results, config: Config, command: str, elapsed_s: float) -> str:
    lines = ["# Benchmark: Omnigate beside the floor and GraphQL Mesh", "",
             "Written by `python -m bench.compare` (bench/compare/); do not edit by hand.", "",
             *describe(), f"- Command: `{command}` ({elapsed_s / 60:.1f} minutes)",
             f"- Set-up: simulators (`omnigate simulate --scale {config.scale} --seed {config.seed} --latency-ms "
             f"{config.latency_ms}`), each gateway and the load generator (autocannon, bench/load/) in processes of "
             f"their own on 127.0.0.1; Omnigate's admission control at 64 running and 64 waiting (its defaults "
             f"refuse most of c=50 at once); every gateway warmed {config.warm_s:.0f} s on the mixed scenarios; "
             + (SMOKE_CELLS if config.smoke else f"{config.duration_s:.0f} s per cell")
             + "; variables drawn from a seeded Zipf distribution over skus, stores and loyalty cards.",
             "- Throughput counts good answers only (no refusal, no GraphQL error).",
             "- The floor: each scenario's upstream calls issued directly through the project's aiohttp connectors "
             "in dependency order (bench/compare/floor.py), in the harness' own process; its calls per request "
             "cold are the ideal count.",
             "- The peer: GraphQL Mesh (Hive Gateway) as bench/peer/gateway.config.ts configures it (its header says "
             "which performance features are on: parse and validation cache, in-flight deduplication, response "
             "caching of public data for the stock TTL, batched links); its documents are bench/mesh.py's.", ""]
    lines += ["## Targets", "", *table(results), ""]
    for name in results.floor or _scenarios(results):
        lines += _scenario(results, name)
    lines += _ablations(results) + _mix(results) + _soak(results) + _notes(results)
    return "\n".join(lines) + "\n"


def _scenarios(results: Results) -> list[str]:
    return list(dict.fromkeys(s for t in results.targets for s in t.scenarios))


def _rows(results: Results, name: str) -> list[tuple[str, dict[int, Cell], ScenarioRun | None]]:
    rows: list[tuple[str, dict[int, Cell], ScenarioRun | None]] = []
    if name in results.floor:
        rows.append(("floor", results.floor[name], None))
    rows += [(t.label, t.scenarios[name].cells, t.scenarios[name]) for t in results.targets if name in t.scenarios]
    return rows


def _scenario(results: Results, name: str) -> list[str]:
    lines = [f"## {SCENARIOS[name].title}", ""]
    if name in results.cold_calls:
        lines += [f"Cold upstream calls per request: Omnigate {results.cold_calls[name]:.2f}, ideal "
                  f"{results.ideal_calls.get(name, 0):.2f}.", ""]
    lines += ["| | c=1 p50 / p95 / p99 ms | c=10 req/s | c=10 p99 ms | c=50 req/s | c=50 p99 ms | calls/req | "
              "CPU ms/req | RSS MB before → after | generator CPU | errors |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for label, cells, run in _rows(results, name):
        one, ten, fifty = cells[1], cells[10], cells[50]
        rss = f"{run.rss_before_mb:.0f} → {run.rss_after_mb:.0f}" if run else "–"
        cpu = f"{ten.cpu_ms_per_request:.2f}" if run else "–"
        load = max(c.generator_load for c in cells.values())
        generator = f"{load:.0%}" + (" (saturated)" if load > GENERATOR_SATURATED else "") if run else "–"
        lines.append(f"| {label} | {_latencies(one)} | {ten.rate:.0f} | "
                     f"{_p99(ten)} | {fifty.rate:.0f} | {_p99(fifty)} | {ten.calls_per_request:.2f} | "
                     f"{cpu} | {rss} | {generator} | {sum(c.errors for c in cells.values())} |")
    lines += ["", *_ratios(results, name), ""]
    return lines


def _ratios(results: Results, name: str) -> list[str]:
    lines = []
    floor = results.floor.get(name)
    for workers in (1, 2):
        ours = results.target("omnigate", workers)
        if ours is None or name not in ours.scenarios:
            continue
        cells = ours.scenarios[name].cells
        parts = []
        if floor:
            parts.append(f"p50 at c=1 {_ratio(cells[1].p50_ms, floor[1].p50_ms)} the floor's, c=50 "
                         f"{_ratio(cells[50].rate, floor[50].rate)} its throughput")
        peer = results.target("mesh", workers)
        if peer is not None and name in peer.scenarios:
            theirs = peer.scenarios[name].cells
            parts.append(f"c=50 {_ratio(cells[50].rate, theirs[50].rate)} Mesh's throughput, p99 "
                         f"{_ratio(cells[50].p99_ms, theirs[50].p99_ms)} Mesh's, p50 at c=1 "
                         f"{_ratio(cells[1].p50_ms, theirs[1].p50_ms)}")
        lines.append(f"- Omnigate ×{workers}: " + "; ".join(parts or ["no floor nor peer to compare with"]) + ".")
    return lines


def _latencies(cell: Cell) -> str:
    if not cell.requests:
        return "no answer"
    return f"{cell.p50_ms:.1f} / {cell.p95_ms:.1f} / {cell.p99_ms:.1f}"


def _p99(cell: Cell) -> str:
    return f"{cell.p99_ms:.0f}" if cell.requests else "no answer"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "∞×"


def _ablations(results: Results) -> list[str]:
    base = results.target("omnigate", 1)
    lines = ["## Ablations (Omnigate ×1, c=50)", "",
             "| mode | scenario | req/s | p99 ms | CPU ms/req | calls/req | vs default |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for mode, cells in [("default", {s: r.cells[50] for s, r in base.scenarios.items()} if base else {}),
                        *results.ablations.items()]:
        for scenario, cell in cells.items():
            if mode != "default" and scenario not in results.ablations.get(mode, {}):
                continue
            if mode == "default" and not any(scenario in a for a in results.ablations.values()):
                continue
            ref = base.scenarios[scenario].cells[50].rate if base and scenario in base.scenarios else 0.0
            lines.append(f"| {mode} | {SCENARIOS[scenario].title} | {cell.rate:.0f} | {cell.p99_ms:.0f} | "
                         f"{cell.cpu_ms_per_request:.2f} | {cell.calls_per_request:.2f} | {_ratio(cell.rate, ref)} |")
    return [*lines, ""]


def _mix(results: Results) -> list[str]:
    lines = ["## Warm Zipf mix (the scenarios interleaved, c=10)", ""]
    for t in results.targets:
        if t.warm_mix is not None and t.warm_mix.requests:
            m = t.warm_mix
            lines.append(f"- {t.label}: {m.rate:.0f} req/s, p99 {m.p99_ms:.0f} ms, {m.calls_per_request:.3f} upstream "
                         f"calls per request, of which {t.warm_mix_reference_calls / m.requests:.3f} for catalog, "
                         f"price and store data.")
    return [*lines, ""]


def _soak(results: Results) -> list[str]:
    soak = results.soak
    if soak is None:
        return []
    series = ", ".join(f"{t:.0f} s: {mb:.0f}" for t, mb in soak.rss_series_mb)
    return [f"## Soak ({soak.requests:,} requests of the mixed scenarios at c={soak.concurrency}, Omnigate ×1)", "",
            f"{soak.cell.rate:.0f} req/s, p99 {soak.cell.p99_ms:.0f} ms, {soak.cell.errors} errors. RSS after "
            f"warm-up {soak.rss_after_warm_mb:.0f} MB, after the soak {soak.rss_after_mb:.0f} MB.", "",
            f"RSS (MB), sampled as the run went: {series}.", ""]


def _notes(results: Results) -> list[str]:
    lines = ["## Not measured in this run", ""] if results.not_available else []
    lines += [f"- {what}: {why}." for what, why in results.not_available.items()]
    errors = [(t.label, s, c.first_error) for t in results.targets for s, r in t.scenarios.items()
              for c in r.cells.values() if c.first_error]
    if errors:
        lines += ["", "First error answered per target and scenario:", ""]
        lines += [f"- {label} {s}: `{e[:200]}`" for label, s, e in dict.fromkeys(errors)]
    return lines


def keep_sections(report: str, previous: str | None) -> str:
    """The new report, then the marker and everything below it in the file it replaces (nothing when absent)."""
    kept = previous.partition(KEPT_MARKER)[2] if previous and KEPT_MARKER in previous else "\n"
    return report.rstrip("\n") + "\n\n" + KEPT_MARKER + kept
