"""Each back office's state for `/status` and `/metrics`: up, degraded, breaker open or down, its last error and
its latency, from what the gateway saw of its recent calls, a probe, and the upstream client's own snapshot.

`resilience_of` is the one place that reads the upstream client's view (breaker, bulkhead): the adapter's
`health_snapshot()`, so the rest of this module does not change when that snapshot grows.
"""

import asyncio
import dataclasses
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors import ports
from connectors.errors import ConnectorError

WINDOW_S = 60.0
SAMPLES = 500  # per system, within the window
PROBE_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Resilience:
    """What the upstream client says of a system: breaker `closed`, `half_open` or `open`; calls waiting."""

    breaker: str | None
    bulkhead_queued: int | None
    detail: Mapping[str, Any]


def resilience_of(health: ports.Health) -> Resilience:
    """No upstream call: the client's own counters."""
    snapshot = health.health_snapshot()
    return Resilience(snapshot.breaker.replace("-", "_"), snapshot.queued, dataclasses.asdict(snapshot))


class SystemStats:
    """The last minute of one system's calls (bounded) and its last failure."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, bool, float]] = deque(maxlen=SAMPLES)
        self.last_error: str | None = None
        self.last_error_at: datetime | None = None

    def record(self, ok: bool, seconds: float, error: str | None = None) -> None:
        self._samples.append((time.monotonic(), ok, seconds))
        if not ok:
            self.last_error, self.last_error_at = error, datetime.now(UTC)

    def recent(self) -> list[tuple[bool, float]]:
        since = time.monotonic() - WINDOW_S
        return [(ok, seconds) for at, ok, seconds in self._samples if at >= since]


class Systems:
    """The systems' recent calls from the start; their probes and snapshots once the backends are open."""

    def __init__(self) -> None:
        self._healths: tuple[ports.Health, ...] = ()
        self.stats: dict[str, SystemStats] = {}

    def attach(self, healths: tuple[ports.Health, ...]) -> None:
        self._healths = healths

    def stats_of(self, system: str) -> SystemStats:
        return self.stats.setdefault(system, SystemStats())

    def resilience(self) -> dict[str, Resilience]:
        return {h.system.value: resilience_of(h) for h in self._healths}

    async def report(self) -> dict[str, dict[str, object]]:
        """Each system probed at once (concurrently, bounded) and described from its recent calls."""
        probes = await asyncio.gather(*(_probe(h) for h in self._healths))
        return {h.system.value: self._describe(h, *probe) for h, probe in zip(self._healths, probes, strict=True)}

    def _describe(self, health: ports.Health, probe_error: str | None, probe_ms: float) -> dict[str, object]:
        name = health.system.value
        stats = self.stats_of(name)
        recent = stats.recent()
        failures = sum(1 for ok, _ in recent if not ok)
        resilience = resilience_of(health)
        breaker_open = resilience.breaker == "open"
        state = "breaker_open" if breaker_open else "down" if probe_error else "degraded" if failures else "up"
        latencies = sorted(seconds * 1000 for _, seconds in recent)
        described: dict[str, object] = {
            "ok": probe_error is None, "state": state, "probeMs": round(probe_ms, 1),
            "recent": {"windowS": WINDOW_S, "calls": len(recent), "failures": failures,
                       "p50Ms": _quantile(latencies, 0.5), "p95Ms": _quantile(latencies, 0.95)},
            "lastError": None if stats.last_error is None else {
                "message": stats.last_error, "at": stats.last_error_at.isoformat() if stats.last_error_at else None}}
        if probe_error is not None:
            described["error"] = probe_error
        else:
            described["latencyMs"] = round(probe_ms, 1)
        described["resilience"] = {k: v for k, v in resilience.detail.items() if _plain(v)}
        return described


async def _probe(health: ports.Health) -> tuple[str | None, float]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(health.check(), PROBE_TIMEOUT_S)
    except ConnectorError as exc:
        return str(exc), (time.perf_counter() - started) * 1000
    except TimeoutError:
        return f"{health.system.value}: no answer within {PROBE_TIMEOUT_S}s", (time.perf_counter() - started) * 1000
    return None, (time.perf_counter() - started) * 1000


def _quantile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return round(sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))], 1)


def _plain(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
