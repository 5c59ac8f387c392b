"""Probes tell anyone only whether the gateway is ready; which back office fails, and where it lives, is for staff.

No response names the server software's version.
"""

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from gateway.appkeys import READINESS_KEY
from simulators.world import World
from tests.harness import STAFF, Stack, api_key, running_stack

HEALTHY = '{"query": "{ stores(first: 1) { totalCount } }"}'
SYSTEMS = {"crm", "erp", "pos", "webshop"}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def pos_unreachable(live_world: World) -> AsyncIterator[Stack]:
    """The POS configured at an address where nothing listens, as when its host is wrong or down."""
    async with running_stack(live_world, {"OMNIGATE_POS_URL": f"http://127.0.0.1:{closed_port()}/pos"}) as stack:
        yield stack


async def get(stack: Stack, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, object]]:
    async with stack.http.get(f"{stack.gateway_url}{path}", headers=headers or {}) as r:
        return r.status, r.headers["Server"], await r.json()


async def test_readyz_tells_anyone_only_the_status(stack: Stack) -> None:
    await until_warmed(stack)
    assert await get(stack, "/readyz") == (200, "omnigate", {"status": "ready"})


async def test_readyz_stays_ready_with_a_back_office_down(pos_unreachable: Stack) -> None:
    """Readiness is the gateway's own (settings loaded, reference data warmed once): a replica whose POS is down
    still answers every other system's fields, and taking every replica out of the Service would answer none."""
    await until_warmed(pos_unreachable)
    assert await get(pos_unreachable, "/readyz") == (200, "omnigate", {"status": "ready"})


async def test_status_gives_staff_each_system_with_its_state_and_error(pos_unreachable: Stack) -> None:
    await until_warmed(pos_unreachable)
    status, _, body = await get(pos_unreachable, "/status", STAFF)
    assert (status, body["status"]) == (200, "ready")
    systems = body["systems"]
    assert isinstance(systems, dict) and set(systems) == SYSTEMS
    pos = systems["pos"]
    # the address while the POS is tried, "circuit open" once its breaker has tripped
    assert pos["ok"] is False and pos["error"].startswith("pos: ") and pos["state"] in ("down", "breaker_open")
    # its failed calls at start-up (warming the store index) are its last error
    assert pos["lastError"]["message"].startswith("pos: ") and pos["recent"]["failures"] >= 1
    for name in SYSTEMS - {"pos"}:
        assert systems[name]["ok"] is True and systems[name]["state"] == "up"
        assert isinstance(systems[name]["latencyMs"], float) and systems[name]["lastError"] is None


async def until_warmed(stack: Stack) -> None:
    for _ in range(200):
        async with stack.http.get(f"{stack.gateway_url}/readyz") as r:
            if r.status == 200:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("never ready")


async def test_status_answers_staff_when_every_system_is_up(stack: Stack) -> None:
    status, _, body = await get(stack, "/status", STAFF)
    assert (status, body["status"]) == (200, "ready")
    assert isinstance(body["systems"], dict) and set(body["systems"]) == SYSTEMS
    assert {system["state"] for system in body["systems"].values()} == {"up"}
    assert body["redis"] == {"state": "off"}  # no OMNIGATE_REDIS_URL: nothing shared (tests/test_gateway_redis.py)


async def test_status_refuses_anonymous_callers_and_wrong_credentials(stack: Stack) -> None:
    assert await get(stack, "/status") == (401, "omnigate", {"errors": [
        {"message": "/status needs a staff token or a router key", "extensions": {"code": "UNAUTHENTICATED"}}]})
    assert await get(stack, "/status", {"Authorization": "Bearer nope"}) == (401, "omnigate", {"errors": [
        {"message": "token is malformed", "extensions": {"code": "UNAUTHENTICATED"}}]})


async def test_status_refuses_a_kiosk_and_a_partner(stack: Stack) -> None:
    forbidden = (403, "omnigate", {"errors": [{"message": "Not allowed", "extensions": {"code": "FORBIDDEN"}}]})
    assert await get(stack, "/status", api_key(stack.keys.kiosk)) == forbidden
    assert await get(stack, "/status", api_key(stack.keys.partner)) == forbidden


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/graphql", HEALTHY, 200),
    ("GET", "/healthz", None, 200),
    ("GET", "/nowhere", None, 404),
    ("POST", "/readyz", None, 405),
])
async def test_no_response_names_the_server_software_or_its_version(
        stack: Stack, method: str, path: str, body: str | None, status: int) -> None:
    async with stack.http.request(method, f"{stack.gateway_url}{path}", data=body,
                                  headers={"Content-Type": "application/json"}) as r:
        assert (r.status, r.headers.getall("Server")) == (status, ["omnigate"])


async def test_readyz_waits_for_the_start_up_warming_and_healthz_does_not(live_world: World) -> None:
    """Between listening and the end of warming (loaded or failed), a Service sends no traffic yet."""
    async with running_stack(live_world) as stack:
        stack.app[READINESS_KEY].warmed = False  # as in the moment before warming ends
        assert await get(stack, "/readyz") == (503, "omnigate", {"status": "unready"})
        assert await get(stack, "/healthz") == (200, "omnigate", {"status": "ok"})
