"""The demo's simulators: an `omnigate simulate` child process that the demo starts, recognises, watches and reaps.

A port that answers proves nothing (another program may hold it), so the child gets a random identity and is
trusted only once it answers `/_sim/identity` with it while still running.
"""

import ctypes
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable

SIM_HOST = "127.0.0.1"
_PR_SET_PDEATHSIG = 1
# Straight to 127.0.0.1: an http_proxy from the environment must not answer for the child.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SimulatorsStopped(Exception):
    """The child stopped or never answered. `line` is what to tell the user; None when the child has said it."""

    def __init__(self, line: str | None) -> None:
        super().__init__(line)
        self.line = line


class SimulatorChild:
    def __init__(self, port: int, seed: int, scale: str) -> None:
        """Starts the child in its own session: a Ctrl-C in the terminal reaches the demo, which stops it."""
        self.url = f"http://{SIM_HOST}:{port}"
        self._identity = secrets.token_urlsafe(16)
        self._stopping = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "simulate", "--host", SIM_HOST, "--port", str(port),
             "--seed", str(seed), "--scale", scale, f"--identity={self._identity}"],  # a token may start with "-"
            start_new_session=True, preexec_fn=_die_with_parent(os.getpid()))

    def wait_until_ready(self, timeout_s: float) -> None:
        """Returns once the child answers with its identity; raises SimulatorsStopped if it stops or stays silent."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SimulatorsStopped(self._before_ready())
            if self._answers():
                return
            time.sleep(0.1)
        raise SimulatorsStopped(f"the simulators did not answer on {self.url} within {timeout_s:.0f} s")

    def watch(self, on_stop: Callable[[], None]) -> None:
        """Calls `on_stop` (from a thread) when the child stops without `stop()` having asked it to."""
        threading.Thread(target=self._watch, args=(on_stop,), name="simulators-watch", daemon=True).start()

    def ensure_running(self) -> None:
        """Raises SimulatorsStopped, with the line to tell the user, when the child stopped unasked."""
        if self.process.poll() is not None and not self._stopping.is_set():
            raise SimulatorsStopped(f"the simulators stopped ({_how(self.process.returncode)}); the demo stopped too")

    def stopped_within(self, timeout_s: float) -> bool:
        """Whether the child has ended, or ends within `timeout_s`."""
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        """SIGTERM, SIGKILL after 5 s; the child is reaped either way."""
        self._stopping.set()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _answers(self) -> bool:
        try:
            with _DIRECT.open(f"{self.url}/_sim/identity", timeout=1) as response:
                body = json.loads(response.read())
        except (OSError, http.client.HTTPException, ValueError):
            return False
        return isinstance(body, dict) and body.get("identity") == self._identity

    def _watch(self, on_stop: Callable[[], None]) -> None:
        self.process.wait()
        if not self._stopping.is_set():
            on_stop()

    def _before_ready(self) -> str | None:
        """The child shares our stderr: when it failed (exit code > 0) it has said why, in one line or a traceback."""
        code = self.process.returncode
        return None if code > 0 else f"the simulators stopped before they answered ({_how(code)})"


def _how(returncode: int) -> str:
    return f"killed by signal {-returncode}" if returncode < 0 else f"exit code {returncode}"


def _die_with_parent(parent: int) -> Callable[[], None] | None:
    """Asks Linux to SIGTERM the child when the demo dies, even by SIGKILL; if the demo is already gone, it ends."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def arm() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(1)

    return arm
