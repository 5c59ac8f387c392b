"""Slow and numerous connections: headers and bodies have deadlines, and one address only so many sockets.

Raw sockets on 127.0.0.1 trickle bytes as a slowloris attack does; the
deadlines are set short so each test takes a few seconds and ends by itself.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gateway.settings import SettingsError, load_settings
from simulators.world import World
from tests.harness import Stack, running_stack

HEADER_TIMEOUT_S = 1.0
PER_CLIENT = 5
SLOW = {"OMNIGATE_HEADER_TIMEOUT_S": "1", "OMNIGATE_BODY_TIMEOUT_S": "1",
        "OMNIGATE_MAX_CONNECTIONS_PER_CLIENT": str(PER_CLIENT)}
SLACK_S = 1.0  # scheduling on a busy, shared machine
HEADERS = b"GET /healthz HTTP/1.1\r\nHost: omnigate\r\nX-Padding: " + b"a" * 100 + b"\r\n\r\n"
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: omnigate\r\n\r\n"
BODY = b'{"query": "{ __typename }", "variables": {"padding": "' + b"a" * 200 + b'"}}'
POST_HEAD = (b"POST /graphql HTTP/1.1\r\nHost: omnigate\r\nContent-Type: application/json\r\n"
             b"Content-Length: %d\r\n\r\n" % len(BODY))
LATE_BODY = b'{"errors": [{"message": "the request body did not arrive within 1 s", ' \
            b'"extensions": {"code": "REQUEST_TIMEOUT"}}]}'
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Held:
    seconds: float  # from the first byte sent until the server answered or closed
    received: bytes  # all the server sent before closing


@pytest.fixture
async def slow_stack(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, SLOW) as stack:
        yield stack


@pytest.fixture
async def uncapped(live_world: World) -> AsyncIterator[Stack]:
    """Short deadlines, no cap per address: many connections from 127.0.0.1 stand for many clients."""
    async with running_stack(live_world, {**SLOW, "OMNIGATE_MAX_CONNECTIONS_PER_CLIENT": "0"}) as stack:
        yield stack


def port_of(stack: Stack) -> int:
    return int(stack.gateway_url.rsplit(":", 1)[1])


async def trickle(port: int, data: bytes, first: bytes = b"", every_s: float = 0.1) -> Held:
    """Sends `first` at once, then `data` a byte every `every_s` until the server answers or closes; after an
    answer it stops sending, as a client would, and reads until the server closes. Fails if all was sent and
    the connection is still open a second later."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    try:
        writer.write(first)
        for byte in data:
            writer.write(bytes([byte]))
            chunk = await read_within(reader, every_s)
            if chunk is not None:
                seconds = time.monotonic() - started
                rest = b"" if chunk == b"" else await asyncio.wait_for(rest_of(reader, writer), 2.0)
                return Held(seconds, chunk + rest)
        raise AssertionError(f"still open after {time.monotonic() - started:.1f} s: {await read_within(reader, 1)!r}")
    finally:
        writer.close()


async def read_within(reader: asyncio.StreamReader, wait_s: float) -> bytes | None:
    """What arrives within `wait_s` (b"" once the server has closed), None when nothing does."""
    try:
        return await asyncio.wait_for(reader.read(4096), wait_s)
    except TimeoutError:
        return None
    except ConnectionResetError:
        return b""


async def rest_of(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write_eof()
    return await reader.read()


async def test_twenty_clients_trickling_headers_are_closed_at_the_header_timeout(uncapped: Stack) -> None:
    # when 20 clients trickle their headers a byte every 0.1 s (they would need 14 s)
    held = await asyncio.gather(*(trickle(port_of(uncapped), HEADERS) for _ in range(20)))
    # then each is closed at the header timeout, without an answer, and the gateway still serves
    assert all(HEADER_TIMEOUT_S - 0.1 <= h.seconds <= HEADER_TIMEOUT_S + SLACK_S for h in held), held
    assert {h.received for h in held} == {b""}
    async with uncapped.http.get(f"{uncapped.gateway_url}/healthz") as r:
        assert r.status == 200


async def test_on_keep_alive_the_next_headers_are_due_a_header_timeout_after_the_response(slow_stack: Stack) -> None:
    # given a connection that has had one answer
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(slow_stack))
    writer.write(HEALTHZ)
    answer = await asyncio.wait_for(reader.readuntil(b'{"status": "ok"}'), 2.0)
    answered = time.monotonic()
    # when the next request's headers trickle in
    for byte in HEADERS:
        writer.write(bytes([byte]))
        if (chunk := await read_within(reader, 0.1)) is not None:
            break
    # then the connection closes at the header timeout after the first answer
    closed = time.monotonic() - answered
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200 OK") and chunk == b""
    assert HEADER_TIMEOUT_S - 0.1 <= closed <= HEADER_TIMEOUT_S + SLACK_S


async def test_a_body_trickled_past_the_body_timeout_is_answered_408_and_the_connection_closed(
        slow_stack: Stack) -> None:
    # when a client sends its headers at once and its body a byte every 0.1 s (it would need 27 s)
    held = await trickle(port_of(slow_stack), BODY, first=POST_HEAD)
    # then it is answered 408 with a coded error at the body timeout, and the connection is closed
    head, _, body = held.received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and b"Connection: close" in head
    assert body == LATE_BODY
    assert 1.0 - 0.1 <= held.seconds <= 1.0 + SLACK_S


async def test_a_client_that_goes_away_mid_body_is_no_error(slow_stack: Stack,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    port = int(slow_stack.gateway_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(POST_HEAD + BODY[:20])  # half a body, then the client is gone
    await asyncio.sleep(0.5)

    assert not [r for r in caplog.records if r.levelno >= 40 and r.name.startswith("omnigate")]
    async with slow_stack.http.get(f"{slow_stack.gateway_url}/healthz") as r:
        assert r.status == 200


async def test_a_client_address_holds_at_most_its_cap_of_connections(slow_stack: Stack) -> None:
    # given as many open connections from 127.0.0.1 as its cap, each idle in the middle of its headers
    held = [await asyncio.open_connection("127.0.0.1", port_of(slow_stack)) for _ in range(PER_CLIENT)]
    for _, writer in held:
        writer.write(b"GET /healthz HTTP/1.1\r\n")
    await asyncio.sleep(0.1)
    # when one more connects and sends a whole request
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(slow_stack))
    writer.write(HEALTHZ)
    # then it is closed at once, unanswered
    assert await read_within(reader, 0.5) == b""
    writer.close()
    # and once one of the held connections ends, the address may connect again
    held[0][1].close()
    await asyncio.sleep(0.1)
    async with slow_stack.http.get(f"{slow_stack.gateway_url}/healthz") as r:
        assert r.status == 200
    for _, other in held[1:]:
        other.close()


async def test_a_trusted_proxy_is_not_capped(live_world: World) -> None:
    # given 127.0.0.1 is a trusted proxy (a router carries many shoppers' connections)
    async with running_stack(live_world, {**SLOW, "OMNIGATE_TRUSTED_PROXIES": "127.0.0.1"}) as stack:
        held = [await asyncio.open_connection("127.0.0.1", port_of(stack)) for _ in range(PER_CLIENT)]
        for _, writer in held:
            writer.write(b"GET /healthz HTTP/1.1\r\n")
        await asyncio.sleep(0.1)
        # when one more connects, then it is served
        async with stack.http.get(f"{stack.gateway_url}/healthz") as r:
            assert r.status == 200
        for _, writer in held:
            writer.close()


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("OMNIGATE_HEADER_TIMEOUT_S", "0", "expected a positive number, got '0'"),
    ("OMNIGATE_BODY_TIMEOUT_S", "-1", "expected a positive number, got '-1'"),
    ("OMNIGATE_MAX_CONNECTIONS_PER_CLIENT", "-1", "expected 0 (no limit) or a positive whole number, got '-1'"),
])
def test_a_bad_slow_client_setting_is_named(name: str, value: str, problem: str) -> None:
    urls = {f"OMNIGATE_{s}_URL": "http://127.0.0.1:1" for s in ("ERP", "POS", "CRM", "WEBSHOP")}
    with pytest.raises(SettingsError) as refused:
        load_settings({**urls, name: value})
    assert str(refused.value) == f"{name}: {problem}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_omnigate_serve_closes_trickling_clients_too() -> None:
    # given `omnigate serve` with a one-second header timeout (its back offices unreachable: not needed here)
    port = free_port()
    environ = {**{f"OMNIGATE_{s}_URL": f"http://127.0.0.1:{free_port()}" for s in ("ERP", "POS", "CRM", "WEBSHOP")},
               "OMNIGATE_PORT": str(port), "OMNIGATE_HEADER_TIMEOUT_S": "1", "PATH": os.environ["PATH"],
               "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "omnigate"), "serve", env=environ, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        assert b"omnigate listening" in await asyncio.wait_for(process.stdout.readline(), 30)
        # when a client trickles its headers
        held = await trickle(port, HEADERS)
        # then it is closed at the header timeout
        assert HEADER_TIMEOUT_S - 0.1 <= held.seconds <= HEADER_TIMEOUT_S + SLACK_S and held.received == b""
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
