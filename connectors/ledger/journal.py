"""The UndoJournal port on the ledger's `undo_journal` table: an entry lives until undone or settled."""

import json
import sqlite3
from datetime import datetime, timedelta

from ..domain import JournalEntry, Undo, UndoKind
from .database import Database, from_us, to_us

COLUMNS = "id, saga_id, kind, target, args, due_us, attempts, last_error"
Row = tuple[str, str, str, str, str, int, int, str | None]


def entry_of(row: Row) -> JournalEntry:
    entry_id, saga_id, kind, target, args, due, attempts, error = row
    undo = Undo(UndoKind(kind), target, tuple(json.loads(args)))
    return JournalEntry(entry_id, saga_id, undo, from_us(due), attempts, error)


class LedgerJournal:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def intend(self, entry: JournalEntry, at: datetime) -> None:
        undo = entry.undo
        await self._db.write(lambda conn: conn.execute(
            f"INSERT INTO undo_journal ({COLUMNS}, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.id, entry.saga_id, undo.kind.value, undo.target, json.dumps(list(undo.args)),
             to_us(entry.due_at), entry.attempts, entry.last_error, to_us(at))))

    async def settle(self, saga_id: str) -> None:
        await self._db.write(lambda conn: conn.execute("DELETE FROM undo_journal WHERE saga_id = ?", (saga_id,)))

    async def take_due(self, at: datetime, lease: timedelta, limit: int) -> list[JournalEntry]:
        def work(conn: sqlite3.Connection) -> list[JournalEntry]:
            rows = conn.execute(f"SELECT {COLUMNS} FROM undo_journal WHERE due_us <= ? ORDER BY due_us LIMIT ?",
                                (to_us(at), limit)).fetchall()
            leased = to_us(at + lease)
            conn.executemany("UPDATE undo_journal SET due_us = ? WHERE id = ?", [(leased, row[0]) for row in rows])
            return [entry_of(row) for row in rows]
        return await self._db.write(work)

    async def undone(self, entry_id: str) -> None:
        await self._db.write(lambda conn: conn.execute("DELETE FROM undo_journal WHERE id = ?", (entry_id,)))

    async def postpone(self, entry_id: str, due_at: datetime, error: str) -> None:
        await self._db.write(lambda conn: conn.execute(
            "UPDATE undo_journal SET due_us = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (to_us(due_at), error[:500], entry_id)))

    async def pending(self) -> list[JournalEntry]:
        def work(conn: sqlite3.Connection) -> list[JournalEntry]:
            rows = conn.execute(f"SELECT {COLUMNS} FROM undo_journal ORDER BY created_us, id").fetchall()
            return [entry_of(row) for row in rows]
        return await self._db.read(work)
