"""A real `redis-server` (Debian's package) for the tests: on a free loopback port, its data in a temp dir, never
saved, stopped at the end. scripts/test.sh installs it and sets TESTS_REQUIRE_REDIS=1 so that a missing server
fails the tests that need it rather than skipping them."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .processes import free_port

START_TIMEOUT_S = 10.0


class RedisServer:
    """One server on one port; `kill` and `start` again on the same port, as an outage and its end."""

    def __init__(self, executable: str, directory: Path) -> None:
        self.executable, self.directory = executable, directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers():
            assert self._process.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not answer in time"
            time.sleep(0.05)

    def kill(self) -> None:
        """As a crash would: SIGKILL, nothing saved."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def redis_executable() -> str:
    """The server's path; a skip (or with TESTS_REQUIRE_REDIS=1 a failure) saying how to get it."""
    found = shutil.which("redis-server")
    if found is None:
        if os.environ.get("TESTS_REQUIRE_REDIS"):
            pytest.fail("redis-server is missing: scripts/test.sh installs Debian's redis-server package as root")
        pytest.skip("REDIS TESTS NOT RUN: redis-server is missing (apt-get install redis-server, or run "
                    "scripts/test.sh as root)")
    return found


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(redis_executable(), directory)
    server.start()
    try:
        yield server
    finally:
        server.kill()
