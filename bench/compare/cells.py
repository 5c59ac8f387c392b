"""What one measurement (a target, a scenario, a concurrency) found, and latency percentiles."""

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """Requests answered in `elapsed_s` at `concurrency`, their latencies, and what it cost."""

    concurrency: int
    requests: int
    elapsed_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # non-2xx answers, timeouts and answers carrying GraphQL errors (a WARMING_UP one included)
    upstream_calls: int = 0
    server_cpu_s: float = 0.0  # the gateway's (or peer's) processes; 0 for the floor (it runs in this process)
    generator_cpu_s: float = 0.0
    first_error: str | None = None

    @property
    def rate(self) -> float:
        """Good answers a second: a refusal or an error is no throughput."""
        return max(self.requests - self.errors, 0) / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def calls_per_request(self) -> float:
        return self.upstream_calls / self.requests if self.requests else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu_s * 1000 / self.requests if self.requests else 0.0

    @property
    def generator_load(self) -> float:
        """The generator's CPU seconds per second: near 1, it was saturated (one thread)."""
        return self.generator_cpu_s / self.elapsed_s if self.elapsed_s else 0.0


def percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    """(p50, p95, p99) in ms; zeros when there is nothing to cut."""
    if len(samples_ms) < 2:
        only = samples_ms[0] if samples_ms else 0.0
        return only, only, only
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]
