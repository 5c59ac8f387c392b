"""bench/results.png: throughput and p99 against concurrency, per scenario, for Omnigate, the peer and the floor."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: a file
import matplotlib.pyplot as plt

from .cells import Cell
from .results import Results
from .scenarios import SCENARIOS


def series(results: Results, scenario: str) -> dict[str, dict[int, Cell]]:
    """Label -> concurrency -> cell, the floor first."""
    found = {"floor": results.floor[scenario]} if scenario in results.floor else {}
    for target in results.targets:
        if scenario in target.scenarios:
            found[target.label] = target.scenarios[scenario].cells
    return found


def plot(results: Results, path: Path) -> None:
    scenarios = list(results.floor) or [s for t in results.targets for s in t.scenarios]
    figure, axes = plt.subplots(2, len(scenarios), figsize=(4 * len(scenarios), 7), squeeze=False)
    for column, scenario in enumerate(scenarios):
        rate_axis, p99_axis = axes[0][column], axes[1][column]
        for label, cells in series(results, scenario).items():
            levels = sorted(cells)
            style = "k--" if label == "floor" else "-o"
            rate_axis.plot(levels, [cells[c].rate for c in levels], style, label=label)
            p99_axis.plot(levels, [cells[c].p99_ms for c in levels], style, label=label)
        rate_axis.set_title(SCENARIOS[scenario].title, fontsize=9)
        rate_axis.set_ylabel("requests/s")
        p99_axis.set_ylabel("p99 ms")
        p99_axis.set_xlabel("concurrency")
        for axis in (rate_axis, p99_axis):
            axis.set_xscale("log")
            axis.grid(True, alpha=0.3)
    axes[0][0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
