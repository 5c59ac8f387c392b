"""Running `omnigate` as a newcomer does, from this checkout, and reading the process table after it."""

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `-m` from the checkout's root: the code under test, not whatever `omnigate` an editable install points at.
OMNIGATE = [sys.executable, "-m", "gateway.cli"]


def environment(**extra: str) -> dict[str, str]:
    """The inherited environment without OMNIGATE_* settings, unbuffered so output arrives as it is written."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("OMNIGATE_")}
    return {**inherited, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stat(pid: int) -> list[str] | None:
    """Fields after the command name in /proc/<pid>/stat: state, ppid, …; None when the process is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children_of(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and (fields := _stat(int(p.name))) is not None and int(fields[1]) == pid]


def alive(pid: int) -> bool:
    """Present and not a zombie (exited, waiting to be reaped)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def processes_running(*words: str) -> list[int]:
    """Live processes whose command line holds `words` in a row: what a test must not leave behind."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().decode().split("\0") if entry.name.isdigit() else []
        except OSError:
            continue
        if any(argv[i:i + len(words)] == list(words) for i in range(len(argv))):
            found.append(int(entry.name))
    return found
