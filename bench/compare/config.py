"""How much a run measures: the full benchmark, or `--smoke` (the whole pipeline in seconds, for CI)."""

import argparse
from dataclasses import dataclass
from pathlib import Path

from .scenarios import SCENARIOS

CONCURRENCIES = (1, 10, 50)  # the levels every table and target names
SMOKE_CONNECTIONS = {1: 1, 10: 2, 50: 4}  # what a smoke run opens for each, to end in seconds
ABLATION_SCENARIOS = ("ten_products", "mobile_product_page")


@dataclass(frozen=True)
class Config:
    smoke: bool
    duration_s: float  # per cell (0: by amount, the smoke run)
    warm_s: float
    index_wait_s: float  # at most this long for a gateway's availability index to be built, before warming
    scenarios: tuple[str, ...]
    skip_peer: bool
    skip_soak: bool
    out: Path
    plot: Path
    latency_ms: int
    scale: str
    seed: int
    soak_requests: int
    soak_concurrency: int
    rss_every_s: float
    draws: int  # per scenario, cycled
    cold_requests: int  # per scenario, one at a time

    @property
    def ablation_scenarios(self) -> tuple[str, ...]:
        return tuple(s for s in ABLATION_SCENARIOS if s in self.scenarios)

    @property
    def worker_levels(self) -> tuple[int, ...]:
        """The smoke run leaves out two workers: `serve --workers` and Mesh's `--fork` have tests of their own."""
        return (1,) if self.smoke else (1, 2)

    def connections(self, level: int) -> int:
        return SMOKE_CONNECTIONS[level] if self.smoke else level

    def amount(self, level: int) -> int | None:
        """The smoke run's cells send two requests per connection instead of running for a time."""
        return 2 * self.connections(level) if self.smoke else None

    def duration(self) -> float | None:
        return None if self.smoke else self.duration_s


def parse(argv: list[str] | None = None) -> tuple[Config, argparse.Namespace]:
    p = argparse.ArgumentParser(prog="python -m bench.compare",
                                description="Omnigate beside the floor and GraphQL Mesh; writes bench/RESULTS.md")
    p.add_argument("--smoke", action="store_true", help="the whole pipeline in seconds (a small world, tiny cells)")
    p.add_argument("--duration-s", type=float, default=10.0, help="seconds per cell")
    p.add_argument("--warm-s", type=float, default=20.0, help="warm-up of each gateway, seconds")
    p.add_argument("--index-wait-s", type=float, default=900.0,
                   help="how long to wait for each gateway's availability index to be built, seconds")
    p.add_argument("--scenarios", nargs="+", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    p.add_argument("--skip-peer", action="store_true")
    p.add_argument("--skip-soak", action="store_true")
    p.add_argument("--out", type=Path, default=Path("bench/RESULTS.md"))
    p.add_argument("--latency-ms", type=int, default=20, help="added to every upstream call")
    p.add_argument("--scale", choices=("small", "default", "large"), default=None,
                   help="the demo world (default: default; small with --smoke)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--soak-requests", type=int, default=None, help="100,000 (100 with --smoke)")
    a = p.parse_args(argv)
    smoke = bool(a.smoke)
    config = Config(
        smoke=smoke, duration_s=a.duration_s, warm_s=2.0 if smoke else max(a.warm_s, 0.0),
        index_wait_s=max(a.index_wait_s, 0.0),
        scenarios=tuple(s for s in SCENARIOS if s in a.scenarios), skip_peer=a.skip_peer, skip_soak=a.skip_soak,
        out=a.out, plot=a.out.with_name("results.png"), latency_ms=a.latency_ms,
        scale=a.scale or ("small" if smoke else "default"), seed=a.seed,
        soak_requests=a.soak_requests or (100 if smoke else 100_000), soak_concurrency=4 if smoke else 20,
        rss_every_s=1.0 if smoke else 10.0, draws=100 if smoke else 2000, cold_requests=3 if smoke else 20)
    return config, a
