"""The README's walkthrough, run as written against a running demo: each `# walkthrough: NAME (ROLE)` document
with the caller its ROLE names, the values chosen as a newcomer would (an article the kiosk's store has, a
time it is open)."""

import json
import re
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BLOCK = re.compile(r"```graphql\n# walkthrough: (?P<name>[^(\n]+) \((?P<role>\w+)\)\n(?P<document>.*?)```", re.S)
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


def documents(readme: Path) -> dict[str, tuple[str, str]]:
    """name -> (role, document)."""
    return {m["name"].strip(): (m["role"], m["document"]) for m in BLOCK.finditer(readme.read_text())}


class Walk:
    def __init__(self, base: str, credentials: dict[str, Any], readme: Path) -> None:
        self.base = base
        self.docs = documents(readme)
        self.headers = {"customer": {"Authorization": f"Bearer {credentials['customer']['token']}"},
                        "staff": {"Authorization": f"Bearer {credentials['staff']['token']}"},
                        "kiosk": {"X-Api-Key": credentials["kiosk"]["apiKey"]}}

    def post(self, document: str, variables: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.base}/graphql", json.dumps(
            {"query": document, "variables": variables}).encode(), {"Content-Type": "application/json", **headers})
        with urllib.request.urlopen(request, timeout=60) as response:
            body: dict[str, Any] = json.loads(response.read())
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    def run(self, name: str, **variables: Any) -> dict[str, Any]:
        role, document = self.docs[name]
        return self.post(document, variables, self.headers[role])

    def stock(self, sku: str, store: str) -> int:
        return int(self.run("stock", sku=sku, store=store)["product"]["availabilityInStore"]["quantity"])

    def open_slot(self, store: str, days_out: int = 3) -> str:
        """The first opening time at least `days_out` days ahead, one hour after the store opens."""
        hours = "query S($id: ID!) { node(id: $id) { ... on Store { timezone openingHours { day opens } } } }"
        found = self.post(hours, {"id": store}, self.headers["staff"])["node"]
        zone, opens = ZoneInfo(found["timezone"]), {h["day"]: h["opens"] for h in found["openingHours"]}
        day = datetime.now(zone) + timedelta(days=days_out)
        while WEEKDAYS[day.weekday()] not in opens:
            day += timedelta(days=1)
        hour, minute = map(int, opens[WEEKDAYS[day.weekday()]].split(":"))
        return (day.replace(hour=hour, minute=minute, second=0, microsecond=0) + timedelta(hours=1)).isoformat()
