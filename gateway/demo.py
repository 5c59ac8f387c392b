"""`omnigate demo`: the simulators in a child process and the gateway wired to them.

The child is ours to clean up: it is stopped on SIGINT/SIGTERM, when the gateway
stops for any reason, and by the kernel if this process dies (Linux PDEATHSIG).
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .demo_credentials import DemoCredentials, make_demo_credentials
from .settings import load_settings

DEMO_QUERY = """{
  searchProducts(query: "casque", first: 3) {
    totalCount
    edges { node {
      sku name brand
      price { amount { amount currencyCode } consistent channelPrices { source amount { amount } } }
      nearestAvailability(near: {latitude: 48.8566, longitude: 2.3522}, first: 3) {
        quantity distanceKm pickupReadyAt store { name }
      }
    } }
  }
}"""


def run_demo(port: int, sim_port: int, seed: int, scale: str, credentials_file: Path | None = None) -> int:
    sim_url = f"http://127.0.0.1:{sim_port}"
    credentials = make_demo_credentials(seed, scale)
    if credentials_file is not None:
        credentials.write(credentials_file)
    child = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "simulate", "--port", str(sim_port), "--seed", str(seed),
         "--scale", scale], preexec_fn=_die_with_parent())
    try:
        if not _wait_until_up(f"{sim_url}/_sim/stats", child, timeout_s=120):
            print("omnigate: the simulators did not start", file=sys.stderr)
            return 1
        environ = {**os.environ, "OMNIGATE_PORT": str(port), "OMNIGATE_ENV": "development",
                   "OMNIGATE_WEBSHOP_TIMEZONE": "Europe/Paris", "OMNIGATE_API_KEYS_FILE": str(credentials.keys_file),
                   **{f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in ("erp", "pos", "crm", "webshop")}}
        settings = load_settings(environ)
        from .server import serve

        serve(settings, on_ready=lambda: _print_welcome(port, credentials), ide_presets=credentials.header_presets())
        return 0
    finally:
        _stop(child)
        credentials.keys_file.unlink(missing_ok=True)


def _print_welcome(port: int, credentials: DemoCredentials) -> None:
    print(f"\nOmnigate demo is up.\n  GraphiQL: http://127.0.0.1:{port}/graphql\n"
          f"  Health:   http://127.0.0.1:{port}/readyz\n\nA first query to paste:\n{DEMO_QUERY}\n\n"
          f"Client credentials (add the header in GraphiQL's Headers tab):\n{credentials.describe()}\n\n"
          "Demo back-office credentials: ERP omnigate/demo-erp, POS token demo-pos-token, "
          "CRM token demo-crm-token, web shop ck_demo/cs_demo.\nCtrl-C stops the gateway and the simulators.",
          flush=True)


def _wait_until_up(url: str, child: subprocess.Popen[bytes], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if child.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _die_with_parent() -> Callable[[], None] | None:
    """Asks Linux to SIGTERM the child when this process dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    return lambda: libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
