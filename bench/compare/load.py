"""Drives load with autocannon (bench/load/drive.mjs), a Node process of its own, so the generator never shares
the measured server's CPU; its own CPU time comes back with its answer."""

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import Cell, percentiles

LOAD_DIR = Path(__file__).resolve().parent.parent / "load"
Sampler = Callable[[], Awaitable[None]]


class GeneratorMissing(RuntimeError):
    """Node or autocannon is not installed: `npm ci --prefix bench/load`."""


def check_generator() -> None:
    if shutil.which("node") is None:
        raise GeneratorMissing("node is not on PATH")
    if not (LOAD_DIR / "node_modules" / "autocannon").is_dir():
        raise GeneratorMissing(f"autocannon is not installed: npm ci --prefix {LOAD_DIR}")


@dataclass(frozen=True)
class Plan:
    """What autocannon sends: `requests` bodies with their headers, cycled, for `duration_s` or `amount`."""

    url: str
    requests: list[dict[str, Any]]  # {"body": ..., "headers": ...}
    connections: int
    duration_s: float | None = None
    amount: int | None = None


async def run(plan: Plan, every_s: float | None = None, sample: Sampler | None = None) -> Cell:
    """The cell autocannon measured (upstream calls and server CPU are left for the caller); `sample` is awaited
    every `every_s` seconds while it runs (the soak's RSS)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"url": plan.url, "connections": plan.connections, "requests": plan.requests,
                   "duration": plan.duration_s, "amount": plan.amount, "clockTicks": os.sysconf("SC_CLK_TCK")}, f)
    try:
        node = await asyncio.create_subprocess_exec("node", str(LOAD_DIR / "drive.mjs"), f.name,
                                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        sampling = asyncio.create_task(_every(every_s, sample)) if every_s and sample else None
        out, err = await node.communicate()
        if sampling is not None:
            if sampling.done():
                sampling.result()  # a sampler that failed fails the run, rather than leaving a short series
            sampling.cancel()
        if node.returncode != 0:
            raise RuntimeError(f"autocannon failed ({node.returncode}): {err.decode()[-2000:]}")
    finally:
        Path(f.name).unlink()
    answer: dict[str, Any] = json.loads(out)
    p50, p95, p99 = percentiles(answer["samples"])
    requests = len(answer["samples"])
    errors = answer["non2xx"] + answer["errors"] + answer["timeouts"] + answer["graphqlErrors"]
    return Cell(plan.connections, requests, float(answer["elapsedSeconds"]), p50, p95, p99, errors,
                generator_cpu_s=float(answer["cpuSeconds"]), first_error=answer["firstError"])


async def _every(every_s: float, sample: Sampler) -> None:
    while True:
        await sample()
        await asyncio.sleep(every_s)
