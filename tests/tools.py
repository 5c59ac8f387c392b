"""The pinned command-line tools that the test extra installs beside Python (hadolint, kubectl), found in the
venv running the tests: never whatever version the machine happens to have on its PATH."""

import sys
from pathlib import Path

import pytest


def venv_tool(name: str) -> Path:
    """Fails rather than skips when missing: the test extra installs it, so its absence is a broken install."""
    tool = Path(sys.executable).parent / name
    if not tool.exists():
        pytest.fail(f"{tool} is missing: install the test extra (pip install -e '.[test]')")
    return tool
