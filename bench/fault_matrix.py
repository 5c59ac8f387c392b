"""The fault matrix as a table: each fault on each back office, one document touching all four, cold keys.

For each cell a fresh gateway (store index and crosswalk warmed, nothing else cached), the fault injected
through `/_sim/faults`, then one request: the codes of the errors, the wall time, and the calls the
faulty system saw (attempts, so retries show). Same settings as tests/test_gateway_fault_matrix.py
(upstream timeout 0.6 s, request deadline 1.5 s), plus the 40% error share that the test asserts over
many reads.

    .venv/bin/python -m bench.fault_matrix
"""

import asyncio
import logging
import time
from typing import Any

from simulators.world import Scale, build_world
from tests.harness import running_stack
from tests.test_gateway_fault_matrix import DOCUMENT, ENVIRON, FAULTS, SYSTEMS, variables

CELLS: dict[str, dict[str, Any]] = {"none": {}, **{name: faults for name, (faults, _) in FAULTS.items()},
                                    "flaky 40%": {"error_rate": 0.4}}


async def cell(system: str, faults: dict[str, Any]) -> str:
    world = build_world(seed=42, scale=Scale.SMALL)
    async with running_stack(world, ENVIRON) as stack:
        await stack.warm()
        await stack.reset_calls()
        if faults:
            await stack.fault(system=system, **faults)
        started = time.monotonic()
        body = await stack.graphql(DOCUMENT, variables(stack))
        elapsed = time.monotonic() - started
        async with stack.http.get(f"{stack.sim_url}/_sim/stats") as r:
            calls = (await r.json())["systems"][system]["total"]
        async with stack.http.delete(f"{stack.sim_url}/_sim/faults"):
            pass
    codes = sorted({e["extensions"]["code"] for e in body.get("errors", [])}) or ["-"]
    return f"{','.join(codes)} {elapsed * 1000:.0f} ms, {calls} calls"


async def main() -> None:
    logging.disable(logging.WARNING)
    print("| system | " + " | ".join(CELLS) + " |")
    print("|---" * (len(CELLS) + 1) + "|")
    for system in SYSTEMS:
        row = [await cell(system, faults) for faults in CELLS.values()]
        print(f"| {system} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    asyncio.run(main())
