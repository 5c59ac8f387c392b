"""The benchmark (`python -m bench.compare`) runs end to end in seconds, so it cannot rot: simulators, gateways,
the floor, autocannon, the report and the plot, written to a temporary directory (never bench/RESULTS.md).
Its figures are not checked: performance is measured by the full run, never asserted in tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.compare.load import LOAD_DIR
from bench.compare.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent


def require_generator() -> None:
    """Node and autocannon (bench/load/); skipped without them, failed under scripts/test.sh."""
    if shutil.which("node") is None:
        missing = "node is not installed"
    elif not (LOAD_DIR / "node_modules" / "autocannon").is_dir():
        missing = "bench/load/node_modules is missing (npm ci --prefix bench/load)"
    else:
        return
    if os.environ.get("OMNIGATE_NODE_CLIENTS") == "required":
        pytest.fail(f"{missing}: scripts/test.sh should have installed it")
    pytest.skip(f"BENCHMARK SMOKE TEST NOT RUN: {missing}; bash scripts/test.sh installs what it needs")


@pytest.mark.timeout(600)
def test_the_benchmark_runs_end_to_end_and_writes_its_report_and_plot(tmp_path: Path) -> None:
    require_generator()
    out = tmp_path / "RESULTS.md"
    run = subprocess.run([sys.executable, "-m", "bench.compare", "--smoke", "--out", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=580, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr[-3000:]
    report = out.read_text()
    for section in ("## Targets", "## Ablations", "## Warm Zipf mix", "## Soak", "- Command: `python -m bench.compare"):
        assert section in report
    for scenario in SCENARIOS.values():
        assert f"## {scenario.title}" in report
    assert report.count("Cold upstream calls per request: Omnigate") == len(SCENARIOS)
    assert "| floor |" in report and "| omnigate ×1 |" in report
    assert "OVERLOADED" not in report  # admission control sized for the benchmark's clients
    assert (tmp_path / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.timeout(180)
def test_the_live_latency_benchmark_runs_and_sees_every_till_sale() -> None:
    run = subprocess.run([sys.executable, "-m", "bench.live_latency", "--changes", "3"], cwd=ROOT,
                         capture_output=True, text=True, timeout=170, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr[-3000:]
    assert "3 changes seen, 0 missed" in run.stdout and "p99" in run.stdout
