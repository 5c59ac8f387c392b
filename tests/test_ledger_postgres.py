"""The PostgreSQL ledger's schema: `omnigate migrate` applies each numbered file once, however many run at once
(a Kubernetes Job beside replicas starting), and a gateway refuses a database whose schema is behind its code."""

import asyncio
import subprocess

import psycopg
import pytest

from connectors.ledger.postgres.connect import SchemaBehind
from connectors.ledger.postgres.migrations import apply, migrations
from connectors.ledger.store import open_ledger
from tests.postgres import PostgresServer
from tests.processes import OMNIGATE, ROOT, environment

SIMULATORS = {f"OMNIGATE_{s.upper()}_URL": f"http://127.0.0.1:9/{s}" for s in ("erp", "pos", "crm", "webshop")}


def migrate(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OMNIGATE, "migrate"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=environment(**SIMULATORS, **env))


async def recorded(url: str) -> list[tuple[int, str]]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        return [(int(version), str(name)) for version, name in await cursor.fetchall()]


async def test_migrations_run_at_once_apply_each_file_once(postgres: PostgresServer) -> None:
    url = postgres.new_database()

    async def one() -> list[str]:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            return await apply(conn)
    applied = await asyncio.gather(*(one() for _ in range(4)))

    names = [m.name for m in migrations()]
    assert sorted(applied, key=len) == [[], [], [], names]
    assert await recorded(url) == [(m.version, m.name) for m in migrations()]


async def test_migrate_says_what_it_applied_then_that_the_schema_is_current(postgres: PostgresServer) -> None:
    url = postgres.new_database()

    first, again = migrate(OMNIGATE_DATABASE_URL=url), migrate(OMNIGATE_DATABASE_URL=url)

    assert (first.returncode, first.stdout) == (0, "".join(f"applied {m.name}\n" for m in migrations()))
    assert (again.returncode, again.stdout) == (0, "the ledger's schema is current\n")


def test_migrate_needs_a_database_url() -> None:
    done = migrate()

    assert done.returncode == 2
    assert "OMNIGATE_DATABASE_URL" in done.stderr


async def test_a_gateway_migrates_an_empty_database_and_refuses_one_behind(postgres: PostgresServer) -> None:
    empty, behind = postgres.new_database(), postgres.new_database()
    async with await psycopg.AsyncConnection.connect(behind, autocommit=True) as conn:
        await conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                           "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (0, '0000_older.sql')")

    async with open_ledger(ROOT / "unused.sqlite3", empty) as ledger:
        assert await ledger.journal.pending() == []
    with pytest.raises(SchemaBehind, match="omnigate migrate"):
        async with open_ledger(ROOT / "unused.sqlite3", behind):
            pass
