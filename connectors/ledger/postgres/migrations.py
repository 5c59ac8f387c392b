"""The ledger's schema in PostgreSQL: numbered SQL files in `migrations/`, each applied once and recorded in
`schema_migrations`.

`apply` runs in one transaction under an advisory lock, so a Kubernetes Job and replicas starting at the same time
apply each file once: whoever comes second waits, then finds it recorded. DDL is transactional in PostgreSQL, so a
failing file leaves the schema as it was.
"""

import re
from dataclasses import dataclass
from importlib.resources import files

from .database import Connection, lock_key

LOCK = lock_key("omnigate", "schema_migrations")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every file shipped in `migrations/`, in order of its number."""
    found = []
    for entry in files(__package__).joinpath("migrations").iterdir():
        if match := _NAME.match(entry.name):
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


async def applied(conn: Connection) -> set[int]:
    """The versions recorded; empty when the database has no ledger yet."""
    cursor = await conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")
    exists = await cursor.fetchone()
    if not (exists and exists[0]):
        return set()
    cursor = await conn.execute("SELECT version FROM schema_migrations")
    return {int(row[0]) for row in await cursor.fetchall()}


async def apply(conn: Connection) -> list[str]:
    """Applies the files not yet recorded and returns their names (none: the schema was current)."""
    done: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                           "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        recorded = await applied(conn)
        for migration in migrations():
            if migration.version in recorded:
                continue
            await conn.execute(migration.sql.encode())
            await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                               (migration.version, migration.name))
            done.append(migration.name)
    return done


async def pending(conn: Connection) -> list[str]:
    """The files not yet applied, without changing anything."""
    recorded = await applied(conn)
    return [m.name for m in migrations() if m.version not in recorded]
