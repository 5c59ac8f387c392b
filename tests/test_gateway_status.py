"""Probes tell anyone only whether the gateway is ready; which back office fails, and where it lives, is for staff.

No response names the server software's version.
"""

import socket
from collections.abc import AsyncIterator

import pytest

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
    assert await get(stack, "/readyz") == (200, "omnigate", {"status": "ready"})


async def test_readyz_names_no_host_port_or_error_when_a_system_is_unreachable(pos_unreachable: Stack) -> None:
    assert await get(pos_unreachable, "/readyz") == (503, "omnigate", {"status": "unready"})


async def test_status_gives_staff_each_system_with_its_error(pos_unreachable: Stack) -> None:
    status, _, body = await get(pos_unreachable, "/status", STAFF)
    assert status == 503 and body["status"] == "unready"
    systems = body["systems"]
    assert isinstance(systems, dict) and set(systems) == SYSTEMS
    # the address while the POS is tried, "breaker open" once its breaker has tripped
    assert systems["pos"]["ok"] is False and systems["pos"]["error"].startswith("pos: ")
    assert all(systems[name]["ok"] for name in SYSTEMS - {"pos"})


async def test_status_answers_staff_when_every_system_is_up(stack: Stack) -> None:
    status, _, body = await get(stack, "/status", STAFF)
    assert (status, body["status"]) == (200, "ready")
    assert isinstance(body["systems"], dict) and set(body["systems"]) == SYSTEMS


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
