"""`omnigate serve --workers N` as an operator runs it: N processes on one port, all stopped by one SIGTERM; a taken
port is one line before any worker starts; a worker that dies takes the gateway down rather than leave it short."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .processes import OMNIGATE, ROOT, alive, children_of, environment, free_port

TYPENAME = json.dumps({"query": "{ __typename }"}).encode()
TAKEN = "the port is taken by another program"


def back_offices() -> dict[str, str]:
    """Unreachable: nothing here needs them."""
    sim = f"http://127.0.0.1:{free_port()}"
    return {f"OMNIGATE_{s.upper()}_URL": f"{sim}/{s}" for s in ("erp", "pos", "crm", "webshop")}


def listening_on(port: int) -> set[str]:
    """The inodes of the sockets listening on 127.0.0.1:`port`, as /proc/<pid>/fd links name them."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":
            found.add(f"socket:[{fields[9]}]")
    return found


def holds(pid: int, sockets: set[str]) -> bool:
    try:
        return any(str(fd.readlink()) in sockets for fd in (Path("/proc") / str(pid) / "fd").iterdir())
    except OSError:
        return False


def get(url: str, body: bytes | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as r:
        return r.status, json.loads(r.read())


class Served:
    def __init__(self, process: subprocess.Popen[bytes], port: int, probe_port: int) -> None:
        self.process, self.port, self.probe_port = process, port, probe_port

    def workers(self) -> list[int]:
        return children_of(self.process.pid)


@pytest.fixture
def two_workers() -> Iterator[Served]:
    """`serve --workers 2`, both workers listening on the one port (and on the probe port)."""
    port, probe_port = free_port(), free_port()
    process = subprocess.Popen([*OMNIGATE, "serve", "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=environment(OMNIGATE_PORT=str(port),
                                                                          OMNIGATE_PROBE_PORT=str(probe_port),
                                                                          **back_offices()))
    served = Served(process, port, probe_port)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            workers, sockets = served.workers(), listening_on(port)
            probes = listening_on(probe_port)
            if len(workers) == 2 and all(len(s) == 2 and all(holds(pid, s) for pid in workers)
                                         for s in (sockets, probes)):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"two workers did not come up (exit {process.poll()})")
        yield served
    finally:
        left = served.workers()
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in left:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.timeout(120)
def test_two_workers_serve_one_port_and_stop_together_on_sigterm(two_workers: Served) -> None:
    # given two workers, each with its own socket listening on the one port and on the probe port
    workers = two_workers.workers()
    assert len(workers) == 2 and two_workers.process.pid not in workers
    base = f"http://127.0.0.1:{two_workers.port}"
    # when clients call it, then it answers
    assert get(f"{base}/healthz") == (200, {"status": "ok"})
    assert get(f"http://127.0.0.1:{two_workers.probe_port}/healthz") == (200, {"status": "ok"})
    answers = [get(f"{base}/graphql", TYPENAME) for _ in range(4)]
    assert answers == [(200, {"data": {"__typename": "Query"}, "extensions": {"cost": 1}})] * 4
    # when the parent is told to stop, then it and both workers are gone, cleanly
    two_workers.process.send_signal(signal.SIGTERM)
    assert two_workers.process.wait(timeout=30) == 0
    assert not any(alive(pid) for pid in workers)


@pytest.mark.timeout(120)
def test_a_worker_that_dies_stops_the_other_and_fails_the_gateway(two_workers: Served) -> None:
    # given two workers, when one dies
    workers = two_workers.workers()
    os.kill(workers[0], signal.SIGKILL)
    # then the parent stops the other and exits non-zero (not restarted: its supervisor restarts the gateway)
    assert two_workers.process.wait(timeout=30) != 0
    assert not any(alive(pid) for pid in workers)


def test_a_taken_port_is_one_line_and_no_worker() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        result = subprocess.run([*OMNIGATE, "serve", "--workers", "2"], capture_output=True, text=True, timeout=60,
                                cwd=ROOT, env=environment(OMNIGATE_PORT=str(port), **back_offices()))
    assert (result.returncode, result.stdout) == (1, "")  # no worker started: none said it listens
    assert result.stderr.splitlines() == [f"omnigate: the gateway cannot listen on 127.0.0.1:{port}: {TAKEN}"]


def test_a_file_setting_that_cannot_be_used_is_one_line_and_no_worker(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text("not json")
    result = subprocess.run([*OMNIGATE, "serve", "--workers", "2"], capture_output=True, text=True, timeout=60,
                            cwd=ROOT, env=environment(OMNIGATE_PORT=str(free_port()), OMNIGATE_API_KEYS_FILE=str(keys),
                                                      **back_offices()))
    assert (result.returncode, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()
    assert line.startswith("omnigate: invalid setting: OMNIGATE_API_KEYS_FILE:")
