"""The CLI as a newcomer meets it: one line for a taken port."""

import socket
import subprocess

from .processes import OMNIGATE, ROOT, environment, free_port

TAKEN = "the port is taken by another program"


def run_omnigate(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OMNIGATE, *args], capture_output=True, text=True, timeout=30, cwd=ROOT,
                          env=environment(**env))


def test_simulate_on_a_taken_port_says_so_in_one_line_before_building_the_world() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        result = run_omnigate("simulate", "--port", str(port))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"omnigate: the simulators cannot listen on 127.0.0.1:{port}: {TAKEN}\n"


def test_serve_on_a_taken_port_says_so_in_one_line() -> None:
    sim = f"http://127.0.0.1:{free_port()}"
    urls = {f"OMNIGATE_{s.upper()}_URL": f"{sim}/{s}" for s in ("erp", "pos", "crm", "webshop")}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        result = run_omnigate("serve", OMNIGATE_PORT=str(port), **urls)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"omnigate: the gateway cannot listen on 127.0.0.1:{port}: {TAKEN}"]
