"""`omnigate demo`: the simulators in a child process and the gateway wired to them.

The child is ours to clean up: it is stopped on SIGINT/SIGTERM, when the gateway
stops for any reason, and by the kernel if this process dies (Linux PDEATHSIG).
The demo says it is up only once its own child answers, and stops when the child does.
"""

import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from ..listening import listening
from ..settings import Settings, load_settings
from .child import SimulatorChild, SimulatorsStopped
from .credentials import DemoCredentials, make_demo_credentials

SIMULATORS_START_TIMEOUT_S = 120

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
    credentials = make_demo_credentials(seed, scale)
    if credentials_file is not None:
        credentials.write(credentials_file)
    simulators = SimulatorChild(sim_port, seed, scale)
    ledger = tempfile.TemporaryDirectory(prefix="omnigate-demo-")
    try:
        simulators.wait_until_ready(SIMULATORS_START_TIMEOUT_S)
        _serve_gateway(port, simulators, credentials, Path(ledger.name) / "ledger.sqlite3")
        simulators.ensure_running()
        return 0
    except SimulatorsStopped as stopped:
        if stopped.line:
            print(f"omnigate: {stopped.line}", file=sys.stderr)
        return 1
    finally:
        simulators.stop()
        credentials.keys_file.unlink(missing_ok=True)
        ledger.cleanup()


def _serve_gateway(port: int, simulators: SimulatorChild, credentials: DemoCredentials,
                   ledger: Path) -> None:
    """Until a signal, or until the simulators stop (the watcher then signals us, as Ctrl-C would). The back
    offices are made afresh each run, so the ledger (their holds, keys, journal) is too, unless one is set."""
    from ..server import serve

    environ = {"OMNIGATE_LEDGER_PATH": str(ledger), **os.environ,
               "OMNIGATE_PORT": str(port), "OMNIGATE_PUBLIC_URL": f"http://127.0.0.1:{port}",
               "OMNIGATE_ENV": "development", "OMNIGATE_WEBSHOP_TIMEZONE": "Europe/Paris",
               "OMNIGATE_API_KEYS_FILE": str(credentials.keys_file),
               **{f"OMNIGATE_{s.upper()}_URL": f"{simulators.url}/{s}" for s in ("erp", "pos", "crm", "webshop")}}

    def on_ready() -> None:
        simulators.watch(on_stop=lambda: os.kill(os.getpid(), signal.SIGTERM))
        _print_welcome(port, credentials, simulators.url)
        _register_webhooks(settings, simulators)

    settings = load_settings(environ)
    with listening("the gateway", settings.host, settings.port):
        serve(settings, on_ready=on_ready, ide_presets=credentials.header_presets())


def _register_webhooks(settings: Settings, simulators: SimulatorChild) -> None:
    """The simulators push to the gateway's loopback URL as the real systems push to its public one: registered
    as `omnigate webhooks register` does, from a thread, since the web shop pings the gateway while it registers.
    A failure is a warning (the caches stay on their TTLs), unless the simulators died: the demo says that."""
    from ..webhooks.commands import registration

    def run() -> None:
        try:
            report = registration(settings, settings.public_url or "")
            done, problems = report.done, report.problems
        except Exception as error:  # the ledger, or a bug: the demo goes on without pushed events
            done, problems = [], [f"webhooks not registered: {error}"]
        if problems and simulators.stopped_within(1.0):
            return
        for line in done:
            print(line, flush=True)
        for line in problems:
            print(f"omnigate: warning: {line}", file=sys.stderr, flush=True)

    threading.Thread(target=run, name="webhooks-register", daemon=True).start()


def _print_welcome(port: int, credentials: DemoCredentials, simulators_url: str) -> None:
    store = credentials.document["kiosk"]["storeCode"]
    print(f"\nOmnigate demo is up.\n  GraphiQL: http://127.0.0.1:{port}/graphql\n"
          f"  Store console: http://127.0.0.1:{port}/console (staff: store {store})\n"
          f"  Health:   http://127.0.0.1:{port}/readyz\n\nA first query to paste:\n{DEMO_QUERY}\n\n"
          f"A sale at {store}'s till (its stock changes at once in the console and every channel):\n"
          f"  curl -s -XPOST {simulators_url}/_sim/pos/sales -d '{{\"location_id\":\"{store}\",\"sku\":\"<sku>\"}}'\n\n"
          f"Client credentials (add the header in GraphiQL's Headers tab):\n{credentials.describe()}\n\n"
          "Demo back-office credentials: ERP omnigate/demo-erp, POS token demo-pos-token, "
          "CRM token demo-crm-token, web shop ck_demo/cs_demo.\nCtrl-C stops the gateway and the simulators.",
          flush=True)
