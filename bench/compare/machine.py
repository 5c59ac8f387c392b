"""Where and when a run happened: the machine (/proc/cpuinfo, nproc, memory), the date and the commit."""

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


OUTPUTS = (":(top,exclude)bench/RESULTS.md", ":(top,exclude)bench/results.png")


def commit() -> str:
    """The HEAD commit, with `+changes` when the tree differs from it (its own outputs aside: they are written
    before this is asked)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return f"{head}+changes" if git("status", "--porcelain", "--untracked-files=no", "--", ":/", *OUTPUTS) else head


def describe() -> list[str]:
    return [f"- Machine: {cpu_model()}, {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
            f"{memory_gb():.1f} GB memory",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Commit: {commit()}"]
