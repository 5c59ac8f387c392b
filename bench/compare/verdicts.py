"""The issue's targets, each with where this run landed: met, missed, or not measured (and why)."""

from dataclasses import dataclass

from .results import Results
from .scenarios import SCENARIOS

TODAY_CPU_MS = 6.4  # the 10-products document's gateway CPU per request before issue 13
MIX_REFERENCE_CALLS = 0.1


@dataclass(frozen=True)
class Verdict:
    target: str
    landed: str
    met: bool | None  # None: not measured in this run


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def verdicts(results: Results) -> list[Verdict]:
    return [_cpu(results), *_cold(results), *_p50(results), *_versus_peer(results), _caches_off(results),
            _mix(results), _soak(results)]


def _cpu(results: Results) -> Verdict:
    target = f"Gateway CPU per request, 10 products, ≤ {TODAY_CPU_MS / 2:.1f} ms (half of {TODAY_CPU_MS} ms)"
    one = results.target("omnigate", 1)
    if one is None or "ten_products" not in one.scenarios:
        return Verdict(target, "not run", None)
    cells = one.scenarios["ten_products"].cells
    worst = max((c.cpu_ms_per_request for c in cells.values() if c.concurrency > 1 and c.requests),
                default=float("inf"))
    landed = ", ".join(f"c={c.concurrency} {c.cpu_ms_per_request:.2f} ms" for c in cells.values())
    return Verdict(target, landed, worst <= TODAY_CPU_MS / 2)


def _cold(results: Results) -> list[Verdict]:
    return [Verdict(f"Cold upstream calls per request = ideal: {SCENARIOS[s].title}",
                    f"{n:.2f} (ideal {results.ideal_calls[s]:.2f})", n <= results.ideal_calls[s] + 1e-9)
            for s, n in results.cold_calls.items() if s in results.ideal_calls]


def _p50(results: Results) -> list[Verdict]:
    one = results.target("omnigate", 1)
    found = []
    for s, floor in results.floor.items():
        if one is None or s not in one.scenarios:
            continue
        ours, base = one.scenarios[s].cells[1].p50_ms, floor[1].p50_ms
        answered = one.scenarios[s].cells[1].requests > 0 and base > 0
        found.append(Verdict(f"p50 at c=1 ≤ 1.2× the floor: {SCENARIOS[s].title}",
                             f"{ours:.1f} ms vs {base:.1f} ms ({ours / base:.2f}×)" if answered else "no answer",
                             answered and ours <= 1.2 * base))
    return found


def _versus_peer(results: Results) -> list[Verdict]:
    found = []
    for workers in (1, 2):
        ours, peer = results.target("omnigate", workers), results.target("mesh", workers)
        if ours is None:
            continue
        for s, run in ours.scenarios.items():
            title = f"c=50 ≥ 2× Mesh, p99 no worse, ×{workers}: {SCENARIOS[s].title}"
            if peer is None or s not in peer.scenarios:
                found.append(Verdict(title, "no peer in this run", None))
                continue
            a, b = run.cells[50], peer.scenarios[s].cells[50]
            ratio = a.rate / b.rate if b.rate else float("inf")
            no_worse = a.requests > 0 and (b.requests == 0 or a.p99_ms <= b.p99_ms)
            found.append(Verdict(title, f"{a.rate:.0f} vs {b.rate:.0f} req/s ({ratio:.2f}×), p99 {a.p99_ms:.0f} vs "
                                        f"{b.p99_ms:.0f} ms", ratio >= 2 and no_worse))
    return found


def _caches_off(results: Results) -> Verdict:
    title = "10 products, shared caches off, c=50 ≥ 1.5× Mesh (×1)"
    off = results.ablations.get("shared caches off", {}).get("ten_products")
    peer = results.target("mesh", 1)
    if off is None or peer is None or "ten_products" not in peer.scenarios:
        return Verdict(title, "not run (no peer or no ablation)", None)
    theirs = peer.scenarios["ten_products"].cells[50].rate
    ratio = off.rate / theirs if theirs else float("inf")
    return Verdict(title, f"{off.rate:.0f} vs {theirs:.0f} req/s ({ratio:.2f}×)", ratio >= 1.5)


def _mix(results: Results) -> Verdict:
    title = f"Warm Zipf mix: ≤ {MIX_REFERENCE_CALLS} upstream calls per request for catalog, price and store data"
    one = results.target("omnigate", 1)
    if one is None or one.warm_mix is None or not one.warm_mix.requests:
        return Verdict(title, "not run", None)
    per = one.warm_mix_reference_calls / one.warm_mix.requests
    return Verdict(title, f"{per:.3f} ({one.warm_mix.calls_per_request:.3f} with stock and customer data)",
                   per <= MIX_REFERENCE_CALLS)


def _soak(results: Results) -> Verdict:
    title = "RSS after the soak within 10% of RSS after warm-up"
    soak = results.soak
    if soak is None:
        return Verdict(title, "no soak in this run", None)
    change = soak.rss_after_mb / soak.rss_after_warm_mb - 1 if soak.rss_after_warm_mb else float("inf")
    return Verdict(title, f"{soak.rss_after_warm_mb:.0f} → {soak.rss_after_mb:.0f} MB ({change:+.1%})",
                   abs(change) <= 0.10)


def table(results: Results) -> list[str]:
    lines = ["| target | where it landed | verdict |", "| --- | --- | --- |"]
    lines += [f"| {v.target} | {v.landed} | {_mark(v.met)} |" for v in verdicts(results)]
    return lines
