"""The demo registers its simulators' webhooks on start, to the gateway's loopback URL, and their deliveries are
then taken: a sale at the demo's till reaches the gateway signed with the key it stored."""

import json
import time
import urllib.request
from typing import Any

import pytest

from connectors.credentials import DEMO_CREDENTIALS

from .test_demo import Demo, demo

__all__ = ["demo"]  # fixtures


def sim(demo: Demo, method: str, path: str, body: object = None) -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:{demo.sim_port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {DEMO_CREDENTIALS.pos_token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def eventually(check: Any, failure: str, timeout_s: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError(failure)


@pytest.mark.timeout(120)
def test_the_demo_registers_its_simulators_and_takes_their_deliveries(demo: Demo) -> None:
    # when the demo is up
    def registered() -> list[str]:
        return sorted(line.split(":")[0] for line in demo.stdout.read_text().splitlines() if ": registered " in line)

    eventually(lambda: registered() == ["pos", "webshop"], f"the demo did not register both: {registered()}")
    # then: Square's subscription points at the gateway
    [subscription] = sim(demo, "GET", "/pos/v2/webhooks/subscriptions")["subscriptions"]
    assert subscription["notification_url"] == f"{demo.base}/webhooks/pos"
    # and a sale at the till is delivered and taken
    location = sim(demo, "GET", "/pos/v2/locations")["locations"][0]["id"]
    counts = sim(demo, "POST", "/pos/v2/inventory/counts/batch-retrieve",
                 {"location_ids": [location], "states": ["IN_STOCK"], "limit": 100})["counts"]
    variation = next(c["catalog_object_id"] for c in counts if float(c["quantity"]) >= 1)
    sim(demo, "POST", "/_sim/pos/sales", {"location_id": location, "catalog_object_id": variation})
    delivered = eventually(lambda: [d for d in sim(demo, "GET", "/_sim/pos/webhooks/deliveries")["deliveries"]
                                    if d["status"] == 200], "the sale was not delivered to the demo's gateway")
    assert delivered
