"""The UndoJournal port on PostgreSQL's `undo_journal` table: an entry lives until undone or settled.

`take_due` leases the due entries with `FOR UPDATE SKIP LOCKED`: replicas polling at once each take other entries
(none waits on another's), and a taken entry is not due again until its lease lapses, so one replica runs each undo.
"""

import json
from datetime import datetime, timedelta

from ...domain import JournalEntry
from ..database import to_us
from ..journal import COLUMNS, entry_of
from .database import Connection, PostgresDatabase


class PostgresJournal:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def intend(self, entry: JournalEntry, at: datetime) -> None:
        undo = entry.undo

        async def work(conn: Connection) -> None:
            await conn.execute(
                f"INSERT INTO undo_journal ({COLUMNS}, created_us) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (entry.id, entry.saga_id, undo.kind.value, undo.target, json.dumps(list(undo.args)),
                 to_us(entry.due_at), entry.attempts, entry.last_error, to_us(at)))
        await self._db.read(work)

    async def settle(self, saga_id: str) -> None:
        async def work(conn: Connection) -> None:
            await conn.execute("DELETE FROM undo_journal WHERE saga_id = %s", (saga_id,))
        await self._db.read(work)

    async def take_due(self, at: datetime, lease: timedelta, limit: int) -> list[JournalEntry]:
        async def work(conn: Connection) -> list[JournalEntry]:
            cursor = await conn.execute(
                f"WITH due AS (SELECT {COLUMNS} FROM undo_journal WHERE due_us <= %s ORDER BY due_us, id LIMIT %s "
                f"FOR UPDATE SKIP LOCKED), leased AS (UPDATE undo_journal SET due_us = %s FROM due "
                f"WHERE undo_journal.id = due.id) SELECT {COLUMNS} FROM due ORDER BY due_us, id",
                (to_us(at), limit, to_us(at + lease)))
            return [entry_of(row) for row in await cursor.fetchall()]
        return await self._db.write(work)

    async def undone(self, entry_id: str) -> None:
        async def work(conn: Connection) -> None:
            await conn.execute("DELETE FROM undo_journal WHERE id = %s", (entry_id,))
        await self._db.read(work)

    async def postpone(self, entry_id: str, due_at: datetime, error: str) -> None:
        async def work(conn: Connection) -> None:
            await conn.execute("UPDATE undo_journal SET due_us = %s, attempts = attempts + 1, last_error = %s "
                               "WHERE id = %s", (to_us(due_at), error[:500], entry_id))
        await self._db.read(work)

    async def pending(self) -> list[JournalEntry]:
        async def work(conn: Connection) -> list[JournalEntry]:
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM undo_journal ORDER BY created_us, id")
            return [entry_of(row) for row in await cursor.fetchall()]
        return await self._db.read(work)
