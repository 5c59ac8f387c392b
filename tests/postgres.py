"""A throwaway PostgreSQL cluster for the tests: Debian's `initdb` and `pg_ctl` on a free loopback port, its data
and socket in a temporary folder, removed at the end. PostgreSQL refuses to run as root, so when the tests run as
root the cluster runs as the `postgres` user (`runuser`), in a folder it owns."""

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest

from .processes import free_port

INSTALLED = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
REQUIRED = "TESTS_REQUIRE_POSTGRES"  # scripts/test.sh sets it: fail rather than skip without PostgreSQL


def binaries() -> Path | None:
    """The newest installed major version's bin folder with `initdb` and `pg_ctl`."""
    found = [d / "bin" for d in INSTALLED.glob("*") if (d / "bin" / "initdb").exists() and (d / "bin" / "pg_ctl")
             .exists()]
    return max(found, key=lambda b: int(b.parent.name) if b.parent.name.isdigit() else 0) if found else None


class PostgresServer:
    def __init__(self, bin_dir: Path, root: Path, port: int, as_user: str | None) -> None:
        self._bin, self._root, self.port, self._as = bin_dir, root, port, as_user
        self._data, self._log = root / "data", root / "postgres.log"
        self._names = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self._bin / args[0]), *args[1:]]
        if self._as is not None:
            command = ["runuser", "-u", self._as, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self._log.read_text()[-2000:] if self._log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr[-2000:]}{log}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self._data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                  "--locale=C", "--no-sync")
        self.resume()

    def resume(self) -> None:
        """Starts the server on its data (after `start` made it, or after `pause`)."""
        # fsync off: a throwaway cluster; a fast stop or restart still checkpoints what was committed
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self._root} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self._data), "-l", str(self._log), "-o", options, "-w", "start")

    def pause(self) -> None:
        """Stops the server, as an outage would, until `resume`."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        """A fast restart: every connection is cut, committed work stays. The log again, or the new server would
        write to our pipes, which then never close."""
        self._run("pg_ctl", "-D", str(self._data), "-l", str(self._log), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")

    def new_database(self) -> str:
        """A fresh, empty database of its own for one test; its URL."""
        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRED):
        pytest.fail(f"{reason}, and {REQUIRED} is set")
    pytest.skip(f"{reason}: apt-get install postgresql (scripts/test.sh does, as root)")


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Started for the caller and stopped after it; skips (or fails, with TESTS_REQUIRE_POSTGRES) without
    PostgreSQL."""
    bin_dir = binaries()
    if bin_dir is None:
        _unavailable(f"PostgreSQL's initdb and pg_ctl are not under {INSTALLED}/*/bin")
    as_user = SUPERUSER if os.geteuid() == 0 else None
    try:
        account = pwd.getpwnam(as_user) if as_user else None
    except KeyError:
        _unavailable(f"running as root, and there is no `{SUPERUSER}` user to run PostgreSQL as")
    root = Path(tempfile.mkdtemp(prefix="omnigate-pg-"))
    if account is not None:
        os.chown(root, account.pw_uid, account.pw_gid)
    server = PostgresServer(bin_dir, root, free_port(), as_user)
    try:
        server.start()
        yield server
    finally:
        with suppress(RuntimeError):  # it never started: the error that said so is the one to read
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
