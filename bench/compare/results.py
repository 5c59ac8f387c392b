"""Everything a run measured, kept apart from how it is measured and how it is written up."""

from dataclasses import dataclass, field

from .cells import Cell


@dataclass
class ScenarioRun:
    """One scenario through one target: a cell per concurrency, and the target's RSS around them (MB)."""

    cells: dict[int, Cell] = field(default_factory=dict)
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0


@dataclass
class TargetRun:
    label: str  # the name and the worker count, as the report shows them
    name: str
    workers: int
    scenarios: dict[str, ScenarioRun] = field(default_factory=dict)
    warm_mix: Cell | None = None  # the mixed scenarios once warm
    warm_mix_reference_calls: int = 0  # of which calls for catalog, price and store data


@dataclass
class Soak:
    requests: int
    concurrency: int
    rss_after_warm_mb: float
    rss_series_mb: list[tuple[float, float]]  # (seconds since the start, MB)
    rss_after_mb: float
    cell: Cell


@dataclass
class Results:
    targets: list[TargetRun] = field(default_factory=list)
    floor: dict[str, dict[int, Cell]] = field(default_factory=dict)
    ideal_calls: dict[str, float] = field(default_factory=dict)  # the floor's calls per request, cold
    cold_calls: dict[str, float] = field(default_factory=dict)  # Omnigate's, shared caches off, one at a time
    ablations: dict[str, dict[str, Cell]] = field(default_factory=dict)  # mode -> scenario -> the c=50 cell
    not_available: dict[str, str] = field(default_factory=dict)  # ablation or part -> why it did not run
    soak: Soak | None = None

    def target(self, name: str, workers: int) -> TargetRun | None:
        return next((t for t in self.targets if t.name == name and t.workers == workers), None)
