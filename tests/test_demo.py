"""`omnigate demo` as a newcomer runs it: up, ready, answering, gone without a trace on SIGTERM; and when a port
is taken or its simulators stop, one line, a non-zero exit and no process left behind."""

import http.server
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulators.world import Scale, build_world

from .processes import OMNIGATE, ROOT, alive, children_of, environment, free_port, processes_running
from .walkthrough import Walk

FIRST_QUERY = '{ stores(first: 3) { totalCount edges { node { code name isOpen } } } }'
TAKEN = "the port is taken by another program"


def get(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def run_demo(port: int, sim_port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OMNIGATE, "demo", "--port", str(port), "--sim-port", str(sim_port), "--scale", "small"],
                          capture_output=True, text=True, timeout=90, cwd=ROOT, env=environment())


def simulators_on(sim_port: int) -> list[int]:
    return processes_running("simulate", "--host", "127.0.0.1", "--port", str(sim_port))


@dataclass
class Demo:
    process: subprocess.Popen[str]
    base: str
    sim_port: int
    credentials: Path
    stdout: Path
    stderr: Path


STOCK_TTL_S = "600"  # far past any test's wait: a stock change seen at once was pushed, not re-read at expiry


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """A demo up and answering /healthz; its output goes to files, which never fill up as a pipe can."""
    port, sim_port = free_port(), free_port()
    credentials, stdout, stderr = tmp_path / "credentials.json", tmp_path / "stdout", tmp_path / "stderr"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            [*OMNIGATE, "demo", "--port", str(port), "--sim-port", str(sim_port), "--scale", "small",
             "--credentials-file", str(credentials)], stdout=out, stderr=err, text=True, cwd=ROOT,
            env=environment(OMNIGATE_STOCK_TTL_S=STOCK_TTL_S))
    running = Demo(process, f"http://127.0.0.1:{port}", sim_port, credentials, stdout, stderr)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if get(f"{running.base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"the demo did not come up (exit {process.wait()}): {stderr.read_text()[-2000:]}")
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


class AnswersAnything(http.server.BaseHTTPRequestHandler):
    """Another program's server: 200 and an empty JSON object to every GET, /_sim/ paths included."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the demo's stderr, not this server's."""


def ready_within(url: str, timeout_s: float) -> bool:
    """Ready once the reference data's warming has run, a moment after the gateway listens."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if get(url) == (200, {"status": "ready"}):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def other_program() -> Iterator[int]:
    """The port of a server that is not the demo's."""
    server = http.server.HTTPServer(("127.0.0.1", 0), AnswersAnything)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.mark.timeout(120)
def test_demo_serves_graphql_and_stops_cleanly_on_sigterm(demo: Demo) -> None:
    base = demo.base
    assert get(f"{base}/healthz") == (200, {"status": "ok"})
    assert ready_within(f"{base}/readyz", 30.0)
    status, answer = get(f"{base}/graphql", json.dumps({"query": FIRST_QUERY}).encode())
    assert status == 200 and "errors" not in answer, answer
    assert answer["data"]["stores"]["totalCount"] > 0
    assert f': {answer["data"]["stores"]["totalCount"]} open stores' in demo.stdout.read_text()  # as the banner says
    credentials = json.loads(demo.credentials.read_text())
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
    with urllib.request.urlopen(urllib.request.Request(f"{base}/graphql", headers={"Accept": "text/html"})) as page:
        assert credentials["staff"]["token"] in page.read().decode(), "GraphiQL offers the staff token"
    children = children_of(demo.process.pid)
    assert children, "the simulators run in a child process"

    demo.process.send_signal(signal.SIGTERM)
    demo.process.wait(timeout=30)

    output = demo.stdout.read_text()
    assert demo.process.returncode == 0, demo.stderr.read_text()
    assert "GraphiQL" in output and "demo-pos-token" in output
    assert credentials["partner"]["apiKey"] in output and credentials["staff"]["token"] in output
    deadline = time.monotonic() + 10
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(c) for c in children)


@pytest.mark.timeout(120)
def test_the_demo_with_its_simulator_port_taken_exits_non_zero_with_one_line_leaving_no_process_behind(
        other_program: int) -> None:
    # given another program's server on the simulators' port, answering anything with 200
    # when
    result = run_demo(free_port(), sim_port=other_program)
    # then
    assert result.returncode == 1
    line = f"omnigate: the simulators cannot listen on 127.0.0.1:{other_program}: {TAKEN}"
    assert result.stderr.splitlines() == [line]
    assert "demo is up" not in result.stdout
    assert simulators_on(other_program) == []


@pytest.mark.timeout(120)
def test_the_demo_with_its_gateway_port_taken_exits_non_zero_with_one_line_and_stops_its_simulators() -> None:
    sim_port = free_port()
    with socket.socket() as taken:
        # given
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        # when
        result = run_demo(port, sim_port)
    # then
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"omnigate: the gateway cannot listen on 127.0.0.1:{port}: {TAKEN}"]
    assert "simulators listening" in result.stdout and "demo is up" not in result.stdout
    assert simulators_on(sim_port) == []


@pytest.mark.timeout(120)
def test_the_demo_stops_with_one_line_when_its_simulators_die(demo: Demo) -> None:
    # given a demo up, and its simulators
    assert get(f"{demo.base}/healthz")[0] == 200
    [simulators] = children_of(demo.process.pid)
    # when they die
    os.kill(simulators, signal.SIGKILL)
    # then
    assert demo.process.wait(timeout=30) == 1
    lines = demo.stderr.read_text().splitlines()
    said = "omnigate: the simulators stopped (killed by signal 9); the demo stopped too"
    assert [line for line in lines if line.startswith("omnigate")] == [said]
    assert lines[-1] == said
    assert simulators_on(demo.sim_port) == []


@pytest.mark.timeout(180)
def test_the_readme_walkthrough_runs_on_the_demo(demo: Demo) -> None:
    """A newcomer's afternoon in GraphiQL: reserve in the app and see the kiosk's stock drop, collect at the
    till, click & collect handed over then returned, a kiosk order delivered home, an appointment confirmed."""
    credentials = json.loads(demo.credentials.read_text())
    walk = Walk(demo.base, credentials, ROOT / "README.md")
    store, customer = credentials["kiosk"]["storeId"], credentials["customer"]["customerId"]
    world = build_world(seed=42, scale=Scale.SMALL)
    sku = next(p.sku for p in world.products if p.webshop_id is not None and not p.delisted
               and walk.stock(p.sku, store) >= 3)
    before = walk.stock(sku, store)

    reserved = walk.run("reserve", sku=sku, store=store)["reserveInStore"]
    assert reserved["userErrors"] == [] and walk.stock(sku, store) == before - 1
    collected = walk.run("collect reservation", reservation=reserved["reservation"]["id"])["collectReservation"]
    assert collected == {"reservation": {"status": "COLLECTED"}, "userErrors": []}

    ordered = walk.run("click and collect", sku=sku, store=store)["placeOrder"]
    assert ordered["userErrors"] == [] and ordered["order"]["channel"] == "MOBILE_APP"
    order = ordered["order"]["id"]
    assert walk.run("hand over", order=order)["collectOrder"] == {"order": {"status": "COMPLETED"}, "userErrors": []}
    after_pickup = walk.stock(sku, store)
    returned = walk.run("return", order=order, sku=sku, store=store)["returnInStore"]
    assert returned["userErrors"] == [] and walk.stock(sku, store) == after_pickup + 1

    sold = till_sale(demo, readme_till_sale(), credentials["kiosk"]["storeCode"], sku)
    assert sold == 200 and stock_becomes(walk, sku, store, after_pickup)

    delivered = walk.run("delivered home", sku=sku, customer=customer)["placeOrder"]
    assert delivered["userErrors"] == [] and delivered["order"]["channel"] == "KIOSK"

    asked = walk.run("request appointment", store=store, sku=sku, at=walk.open_slot(store))["requestAppointment"]
    assert asked["userErrors"] == [] and asked["appointment"]["status"] == "REQUESTED"
    appointment = asked["appointment"]["id"]
    confirmed = walk.run("confirm appointment", appointment=appointment)["respondToAppointment"]
    assert confirmed == {"appointment": {"status": "CONFIRMED"}, "userErrors": []}
    mine = {a["id"]: a for a in walk.run("my appointments")["me"]["appointments"]}
    assert (mine[appointment]["status"], mine[appointment]["channel"]) == ("CONFIRMED", "MOBILE_APP")


def readme_till_sale() -> str:
    """The README's till sale, as a newcomer copies it: `curl -s -XPOST <url> -d '<body>'`."""
    found = re.search(r"curl -s -XPOST (http://\S+/_sim/pos/sales) -d '(.*?)'", (ROOT / "README.md").read_text())
    assert found is not None, "the README shows no till sale"
    return found[0]


def till_sale(demo: Demo, command: str, store_code: str, sku: str) -> int:
    """The README's command run against this demo's simulators, with the store and the article filled in."""
    url, body = re.match(r"curl -s -XPOST (\S+) -d '(.*)'", command).groups()  # type: ignore[union-attr]
    url = url.replace("127.0.0.1:8100", f"127.0.0.1:{demo.sim_port}")
    data = body.replace("<store code>", store_code).replace("<sku>", sku).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data, method="POST"), timeout=30) as response:
        return int(response.status)


def stock_becomes(walk: Walk, sku: str, store: str, expected: int) -> bool:
    """The pushed sale reaches the next reads within seconds (the stock TTL is far longer)."""
    deadline = time.monotonic() + 10
    while walk.stock(sku, store) != expected:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
