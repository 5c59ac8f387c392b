"""The credentials the demo hands out: a customer token, a staff token, a kiosk key and a partner key.

Keys are made fresh for each run and only their SHA-256 hashes reach the
gateway (through a keys file, as in production); tokens are signed with the
development secret unless one is configured.
"""

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulators.world import Scale, build_world

from ..auth.api_keys import hash_key, new_key
from ..auth.dev_tokens import token_from_environment
from ..auth.principals import PARTNER_SCOPES, Role
from ..ide import HeaderPreset
from ..schema.relay import global_id

TOKEN_TTL_S = 12 * 3600
EVERY_SERVICE = {"CLICK_AND_COLLECT", "RESERVE_AND_COLLECT", "SHIP_FROM_STORE", "RETURNS", "APPOINTMENTS"}


@dataclass(frozen=True)
class DemoCredentials:
    document: dict[str, Any]
    keys_file: Path

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.document, indent=2) + "\n", encoding="utf-8")

    def header_presets(self) -> tuple[HeaderPreset, ...]:
        """Staff first: the headers GraphiQL opens with, so every query in the README answers."""
        d = self.document
        return (HeaderPreset("staff", {"Authorization": f"Bearer {d['staff']['token']}"}),
                HeaderPreset(f"customer ({d['customer']['loyaltyCard']})",
                             {"Authorization": f"Bearer {d['customer']['token']}"}),
                HeaderPreset(f"kiosk ({d['kiosk']['storeCode']})", {"X-Api-Key": d["kiosk"]["apiKey"]}),
                HeaderPreset(f"partner ({', '.join(d['partner']['scopes'])})", {"X-Api-Key": d["partner"]["apiKey"]}))

    def describe(self) -> str:
        d = self.document
        return (f"  customer ({d['customer']['loyaltyCard']}):  Authorization: Bearer {d['customer']['token']}\n"
                f"  staff:                    Authorization: Bearer {d['staff']['token']}\n"
                f"  kiosk ({d['kiosk']['storeCode']}):            X-Api-Key: {d['kiosk']['apiKey']}\n"
                f"  partner ({', '.join(d['partner']['scopes'])}): X-Api-Key: {d['partner']['apiKey']}")


def make_demo_credentials(seed: int, scale: str) -> DemoCredentials:
    """A well-travelled demo customer (card, web account, history), a kiosk in the first store offering every
    service, so the README's walkthrough (reserve, click & collect, return, appointment) runs at one counter."""
    world = build_world(seed=seed, scale=Scale[scale.upper()])
    customer = next(c for c in world.customers if c.card and c.webshop_id and world.history.receipts(c)
                    and world.history.web_orders(c))
    store = next((s for s in world.stores if s.active and set(s.services) >= EVERY_SERVICE),
                 next(s for s in world.stores if s.active))
    kiosk_key, partner_key = new_key("ogk_kiosk"), new_key("ogk_partner")
    scopes = sorted(PARTNER_SCOPES)
    keys_file = _keys_file([
        {"name": f"kiosk-{store.code}", "sha256": hash_key(kiosk_key), "kind": "kiosk", "store": store.code},
        {"name": "demo-partner", "sha256": hash_key(partner_key), "kind": "partner", "scopes": scopes},
    ])
    environ = dict(os.environ)
    return DemoCredentials({
        "customer": {"token": token_from_environment(environ, Role.CUSTOMER, customer.crm_id, ttl_s=TOKEN_TTL_S),
                     "customerId": global_id("Customer", customer.crm_id), "loyaltyCard": customer.card},
        "staff": {"token": token_from_environment(environ, Role.STAFF, "staff-demo", ttl_s=TOKEN_TTL_S)},
        "kiosk": {"apiKey": kiosk_key, "storeId": global_id("Store", store.code), "storeCode": store.code},
        "partner": {"apiKey": partner_key, "scopes": scopes},
    }, keys_file)


def _keys_file(entries: list[dict[str, Any]]) -> Path:
    handle, name = tempfile.mkstemp(prefix="omnigate-demo-keys-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump({"keys": entries}, f)
    return Path(name)
