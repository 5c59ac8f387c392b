"""Runs the Node clients of tests/clients/ (Apollo Client, composition, gateway) from async tests.

scripts/test.sh installs Node and the locked packages, and sets OMNIGATE_NODE_CLIENTS=required so a missing
piece fails CI; anywhere else, the tests that need them are skipped with the reason in capitals.
"""

import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CLIENTS = Path(__file__).resolve().parent / "clients"
SCRIPT_TIMEOUT_S = 45


def node() -> str:
    """The node binary, once the locked packages are installed; skips (or fails under scripts/test.sh) without."""
    binary = shutil.which("node")
    if binary is None:
        missing = "node is not installed"
    elif not (CLIENTS / "node_modules").is_dir():
        missing = "tests/clients/node_modules is missing (npm ci --prefix tests/clients)"
    else:
        return binary
    if os.environ.get("OMNIGATE_NODE_CLIENTS") == "required":
        pytest.fail(f"{missing}: scripts/test.sh should have installed it")
    pytest.skip(f"NODE CLIENT TESTS NOT RUN: {missing}; bash scripts/test.sh installs what they need")


async def run_script(script: str, job: dict[str, Any]) -> Any:
    """The JSON a script prints for a JSON job; it runs in a subprocess so the stack keeps serving meanwhile."""
    process = await asyncio.create_subprocess_exec(
        node(), str(CLIENTS / script), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=CLIENTS)
    try:
        out, err = await asyncio.wait_for(process.communicate(json.dumps(job).encode()), SCRIPT_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode == 0, err.decode()
    return json.loads(out)
