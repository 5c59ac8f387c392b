"""Who sends each scenario, as real clients would: the gateway is told about them by a keys file and a JWT
secret; each draw's headers say who asks."""

import json
from dataclasses import dataclass
from pathlib import Path

from gateway.auth.api_keys import hash_key, new_key
from gateway.auth.minting import mint_token
from gateway.auth.principals import Role

JWT_SECRET = "bench-secret-for-the-comparison-0123456789"
PARTNER_SCOPES = ["availability", "catalog", "prices"]


@dataclass(frozen=True)
class Principals:
    """A kiosk key per store (a kiosk searches its own store), a partner key, a staff token."""

    kiosks: dict[str, str]  # store code -> clear key
    partner: str
    staff_token: str

    @classmethod
    def write(cls, store_codes: list[str], path: Path) -> "Principals":
        kiosks = {code: new_key("bench") for code in store_codes}
        partner = new_key("bench")
        entries: list[dict[str, object]] = [
            {"name": f"kiosk-{code}", "sha256": hash_key(key), "kind": "kiosk", "store": code}
            for code, key in kiosks.items()]
        entries.append({"name": "partner", "sha256": hash_key(partner), "kind": "partner",
                        "scopes": PARTNER_SCOPES})
        path.write_text(json.dumps({"keys": entries}))
        return cls(kiosks, partner, mint_token(JWT_SECRET, Role.STAFF, "staff-bench", ttl_s=24 * 3600))

    def anonymous(self) -> dict[str, str]:
        return {}

    def kiosk(self, store: str) -> dict[str, str]:
        return {"X-Api-Key": self.kiosks[store]}

    def partner_key(self) -> dict[str, str]:
        return {"X-Api-Key": self.partner}

    def staff(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.staff_token}"}
