"""The whole stack on 127.0.0.1 for end-to-end tests: simulators, the gateway, and a client of both."""

import asyncio
import hashlib
import json
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from connectors.credentials import credentials_from_environ
from gateway.app import build_app
from gateway.appkeys import READINESS_KEY, REFERENCE_KEY
from gateway.auth.api_keys import hash_key, new_key
from gateway.auth.minting import mint_token
from gateway.auth.principals import Role
from gateway.clock import Clock, utc_now
from gateway.http.listener import start
from gateway.ide import HeaderPreset
from gateway.settings import load_settings
from simulators.control import Faults
from simulators.host import SimulatorHost
from simulators.webshop.wp import SHOP_TZ
from simulators.world import World

JWT_SECRET = "test-secret-for-the-gateway-suite-0123456789"
PARTNER_SCOPES = ("availability", "catalog", "prices")
SAFELISTED = "query Stores { stores(first: 2) { totalCount } }"
# Production refuses the published demo credentials: the simulators are given these instead.
PRODUCTION = {"OMNIGATE_ENV": "production", "OMNIGATE_ERP_USER": "omnigate", "OMNIGATE_ERP_PASSWORD": "erp-suite",
              "OMNIGATE_POS_TOKEN": "pos-suite", "OMNIGATE_CRM_TOKEN": "crm-suite", "OMNIGATE_WEBSHOP_KEY": "ck_suite",
              "OMNIGATE_WEBSHOP_SECRET": "cs_suite"}


@dataclass(frozen=True)
class Keys:
    """Clear API keys the stack's gateway knows by hash."""

    kiosk: str  # bound to the first store
    other_kiosk: str  # bound to the second store
    partner: str  # every partner scope
    catalog_partner: str  # catalog only
    safelist_partner: str  # every scope, safelisted documents only
    router: str  # a federation router: the SDL and /status
    order_partner: str  # catalog and orders

    @classmethod
    def write(cls, world: World, path: Path) -> "Keys":
        keys = cls(*(new_key("test") for _ in range(7)))
        first, second = world.stores[0].code, world.stores[1].code
        entries = [
            {"name": "kiosk-a", "sha256": hash_key(keys.kiosk), "kind": "kiosk", "store": first},
            {"name": "kiosk-b", "sha256": hash_key(keys.other_kiosk), "kind": "kiosk", "store": second},
            {"name": "partner", "sha256": hash_key(keys.partner), "kind": "partner", "scopes": list(PARTNER_SCOPES)},
            {"name": "catalog-partner", "sha256": hash_key(keys.catalog_partner), "kind": "partner",
             "scopes": ["catalog"]},
            {"name": "safelist-partner", "sha256": hash_key(keys.safelist_partner), "kind": "partner",
             "scopes": list(PARTNER_SCOPES), "safelist_only": True},
            {"name": "router", "sha256": hash_key(keys.router), "kind": "router"},
            {"name": "order-partner", "sha256": hash_key(keys.order_partner), "kind": "partner",
             "scopes": ["catalog", "orders"]},
        ]
        path.write_text(json.dumps({"keys": entries}))
        return keys


def bearer(role: Role, subject: str, store: str | None = None, ttl_s: int = 600) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(JWT_SECRET, role, subject, store=store, ttl_s=ttl_s)}"}


def api_key(key: str) -> dict[str, str]:
    return {"X-Api-Key": key}


STAFF = bearer(Role.STAFF, "staff-suite", ttl_s=3600)


@dataclass
class Stack:
    world: World
    sim_url: str
    gateway_url: str
    http: aiohttp.ClientSession
    app: web.Application
    keys: Keys

    async def graphql(self, query: str, variables: dict[str, Any] | None = None,
                      headers: dict[str, str] | None = None) -> dict[str, Any]:
        """The response body; asserts the HTTP status is 200. Sent as staff unless other headers are given."""
        async with self.http.post(f"{self.gateway_url}/graphql", json={"query": query, "variables": variables or {}},
                                  headers=STAFF if headers is None else headers) as r:
            body: dict[str, Any] = await r.json()
            assert r.status == 200, body
            return body

    async def data(self, query: str, variables: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> dict[str, Any]:
        """The data of a response that must have no error."""
        body = await self.graphql(query, variables, headers)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def calls(self) -> dict[str, int]:
        """Upstream calls since the last reset, per "METHOD /route"."""
        async with self.http.get(f"{self.sim_url}/_sim/stats") as r:
            stats = await r.json()
        return {route: n for system in stats["systems"].values() for route, n in system["routes"].items()}

    async def timeline(self) -> list[dict[str, Any]]:
        """Upstream calls since the last reset, oldest first: system, route, start and end (seconds)."""
        async with self.http.get(f"{self.sim_url}/_sim/calls") as r:
            calls: list[dict[str, Any]] = (await r.json())["calls"]
        return calls

    async def reset_calls(self) -> None:
        async with self.http.post(f"{self.sim_url}/_sim/stats/reset"):
            pass

    async def fault(self, **faults: Any) -> None:
        async with self.http.post(f"{self.sim_url}/_sim/faults", json=faults) as r:
            assert r.status == 200

    async def warm(self, availability: bool = True) -> None:
        """Loads the shared reference data (store index, crosswalk, POS article index) and builds the availability
        index (unless told not to: a world of hundreds of stores takes a minute), so call counts show one
        request's work."""
        reference = self.app[REFERENCE_KEY]
        await reference.stores.get()
        await reference.crosswalk.get()
        await reference.pos_articles.get()
        if availability:
            assert await reference.availability.built(timeout_s=50), reference.availability.failure

    async def audit_built(self) -> None:
        """Starts the price-audit index (the stacks here build it on first use, so that no test's call counts
        see a build) and waits for its first build to succeed or fail."""
        await self.app[REFERENCE_KEY].price_audit.settled()


async def _until_ready(app: web.Application, timeout_s: float = 30.0) -> None:
    """As a Service waits for `/readyz`: the start-up warming has run (loaded or failed)."""
    readiness = app[READINESS_KEY]
    for _ in range(int(timeout_s / 0.01)):
        if readiness.warmed:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the gateway's warming did not finish")


@asynccontextmanager
async def running_stack(world: World, environ: dict[str, str] | None = None,
                        down: str | None = None, ide_presets: Sequence[HeaderPreset] = (),
                        clock: Clock = utc_now) -> AsyncIterator[Stack]:
    """Simulators, then the gateway wired to them; both stopped whatever happens. With `down`, that system
    is down before the gateway starts (nothing of it is cached). The simulators take the back-office
    credentials of `environ`, the demo ones by default; `ide_presets` are offered in GraphiQL; `clock` is the
    gateway's "now"."""
    host = SimulatorHost(world, credentials_from_environ(environ or {}))
    sim_url = await host.start()
    if down is not None:
        host.control.set_faults(down, Faults(down=True))
    runner: web.AppRunner | None = None
    folder = tempfile.TemporaryDirectory()
    try:
        keys = Keys.write(world, Path(folder.name) / "keys.json")
        safelist = Path(folder.name) / "safelist.json"
        safelist.write_text(json.dumps({hashlib.sha256(SAFELISTED.encode()).hexdigest(): SAFELISTED}))
        settings = load_settings({
            **{f"OMNIGATE_{s.upper()}_URL": f"{sim_url}/{s}" for s in ("erp", "pos", "crm", "webshop")},
            "OMNIGATE_WEBSHOP_TIMEZONE": SHOP_TZ.key, "OMNIGATE_JWT_SECRET": JWT_SECRET,
            # a shared 2-core CI machine can take seconds to answer; no gateway test depends on this timeout
            # nor on the request's deadline, save those that set their own (tests/test_gateway_fault_matrix.py)
            "OMNIGATE_UPSTREAM_TIMEOUT_S": "10", "OMNIGATE_REQUEST_DEADLINE_S": "30",
            "OMNIGATE_API_KEYS_FILE": str(Path(folder.name) / "keys.json"), "OMNIGATE_SAFELIST_FILE": str(safelist),
            "OMNIGATE_PORT": "0", "OMNIGATE_LEDGER_PATH": str(Path(folder.name) / "ledger.sqlite3"),
            "OMNIGATE_PRICE_AUDIT_AT_START": "false", "OMNIGATE_AVAILABILITY_AT_START": "false",
            # the index's pacing spares a real POS; the simulators answer at once, and every stack builds it
            "OMNIGATE_AVAILABILITY_READS_PER_S": "1000",
            **(environ or {})})
        app = build_app(settings, ide_presets, clock)
        runner = await start(app, settings, shutdown_timeout_s=1.0)
        await _until_ready(app)
        async with aiohttp.ClientSession() as http:
            yield Stack(world, sim_url, f"http://127.0.0.1:{runner.addresses[0][1]}", http, app, keys)
    finally:
        if runner is not None:
            await runner.cleanup()
        await host.stop()
        folder.cleanup()
