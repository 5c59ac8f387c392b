"""`omnigate demo` as a newcomer runs it: up, ready, answering, and gone without a trace on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

OMNIGATE = str(Path(sys.executable).parent / "omnigate")
ROOT = Path(__file__).resolve().parent.parent  # imported by the subprocesses (an editable install may point elsewhere)
FIRST_QUERY = '{ stores(first: 3) { totalCount edges { node { code name isOpen } } } }'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    port, sim_port = free_port(), free_port()
    credentials = tmp_path / "credentials.json"
    process = subprocess.Popen([OMNIGATE, "demo", "--port", str(port), "--sim-port", str(sim_port),
                                "--scale", "small", "--credentials-file", str(credentials)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    yield process, base, credentials
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.timeout(120)
def test_demo_serves_graphql_and_stops_cleanly_on_sigterm(demo: tuple[subprocess.Popen[str], str, Path]) -> None:
    process, base, credentials_file = demo
    assert get(f"{base}/healthz") == (200, {"status": "ok"})
    assert get(f"{base}/readyz") == (200, {"status": "ready"})
    status, answer = get(f"{base}/graphql", json.dumps({"query": FIRST_QUERY}).encode())
    assert status == 200 and "errors" not in answer, answer
    assert answer["data"]["stores"]["totalCount"] > 0
    credentials = json.loads(credentials_file.read_text())
    status, detail = get(f"{base}/status", headers={"Authorization": f"Bearer {credentials['staff']['token']}"})
    assert status == 200 and set(detail["systems"]) == {"erp", "pos", "crm", "webshop"}, detail
    customer = {"Authorization": f"Bearer {credentials['customer']['token']}"}
    status, me = get(f"{base}/graphql", json.dumps({"query": "{ me { id } }"}).encode(), customer)
    assert status == 200 and me["data"]["me"]["id"] == credentials["customer"]["customerId"]
    kiosk = {"X-Api-Key": credentials["kiosk"]["apiKey"]}
    scan = {"query": "query($c: String!) { customerByLoyaltyCard(cardNumber: $c) { firstName } }",
            "variables": {"c": credentials["customer"]["loyaltyCard"]}}
    status, found = get(f"{base}/graphql", json.dumps(scan).encode(), kiosk)
    assert status == 200 and found["data"]["customerByLoyaltyCard"]["firstName"], found
    assert set(credentials) == {"customer", "staff", "kiosk", "partner"}
    children = children_of(process.pid)
    assert children, "the simulators run in a child process"

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)

    assert process.returncode == 0, output
    assert "GraphiQL" in output and "demo-pos-token" in output
    assert credentials["partner"]["apiKey"] in output and credentials["staff"]["token"] in output
    deadline = time.monotonic() + 10
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(c) for c in children)
