"""The Inbox port on the ledger's `webhook_inbox` table: one row per (system, event_id), its body as received.

`due_us` is when an unprocessed event may be taken (its receipt, then the end of each lease); `seq` keeps the
order of receipt.
"""

import sqlite3
from datetime import datetime, timedelta

from ..domain import System
from ..webhook_ports import InboxEvent
from .database import Database, from_us, to_us

COLUMNS = "system, event_id, type, created_us, received_us, body, delivered, attempts, processed_us"
Row = tuple[str, str, str, int, int, bytes, int | bool, int, int | None]
INSERT = (f"INSERT INTO webhook_inbox ({COLUMNS}, due_us) VALUES ({{marks}}) "
          "ON CONFLICT (system, event_id) DO NOTHING")


def event_of(row: Row) -> InboxEvent:
    system, event_id, kind, created, received, body, delivered, attempts, processed = row
    return InboxEvent(System(system), event_id, kind, from_us(created), from_us(received), bytes(body),
                      bool(delivered), attempts, from_us(processed) if processed is not None else None)


def values_of(event: InboxEvent) -> tuple[object, ...]:
    """The row of a new event, in COLUMNS order then `due_us` (due at once)."""
    return (event.system.value, event.event_id, event.type, to_us(event.created_at), to_us(event.received_at),
            event.body, event.delivered, 0, None, to_us(event.received_at))


class LedgerInbox:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(self, event: InboxEvent) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(INSERT.format(marks=", ".join("?" * 10)), values_of(event))
            return cursor.rowcount == 1
        return await self._db.write(work)

    async def take(self, at: datetime, lease: timedelta, limit: int) -> list[InboxEvent]:
        def work(conn: sqlite3.Connection) -> list[InboxEvent]:
            rows = conn.execute(f"SELECT seq, {COLUMNS} FROM webhook_inbox WHERE processed_us IS NULL "
                                "AND due_us <= ? ORDER BY seq LIMIT ?", (to_us(at), limit)).fetchall()
            conn.executemany("UPDATE webhook_inbox SET due_us = ?, attempts = attempts + 1 WHERE seq = ?",
                             [(to_us(at + lease), row[0]) for row in rows])
            return [event_of((*row[1:8], row[8] + 1, row[9])) for row in rows]
        return await self._db.write(work)

    async def processed(self, system: System, event_id: str, at: datetime) -> None:
        await self._db.write(lambda conn: conn.execute(
            "UPDATE webhook_inbox SET processed_us = ? WHERE system = ? AND event_id = ? AND processed_us IS NULL",
            (to_us(at), system.value, event_id)))

    async def unprocessed(self) -> list[InboxEvent]:
        def work(conn: sqlite3.Connection) -> list[InboxEvent]:
            rows = conn.execute(f"SELECT {COLUMNS} FROM webhook_inbox WHERE processed_us IS NULL ORDER BY seq")
            return [event_of(row) for row in rows.fetchall()]
        return await self._db.read(work)

    async def backlog(self) -> tuple[int, datetime | None]:
        def work(conn: sqlite3.Connection) -> tuple[int, datetime | None]:
            count, oldest = conn.execute("SELECT COUNT(*), MIN(received_us) FROM webhook_inbox "
                                         "WHERE processed_us IS NULL").fetchone()
            return int(count), from_us(oldest) if oldest is not None else None
        return await self._db.read(work)

    async def last_event(self, system: System) -> tuple[str, datetime] | None:
        def work(conn: sqlite3.Connection) -> tuple[str, datetime] | None:
            row = conn.execute("SELECT event_id, created_us FROM webhook_inbox WHERE system = ? "
                               "ORDER BY created_us DESC, seq DESC LIMIT 1", (system.value,)).fetchone()
            return (row[0], from_us(row[1])) if row else None
        return await self._db.read(work)

    async def last_delivery_at(self, system: System) -> datetime | None:
        def work(conn: sqlite3.Connection) -> datetime | None:
            row = conn.execute("SELECT MAX(received_us) FROM webhook_inbox WHERE system = ? AND delivered",
                               (system.value,)).fetchone()
            return from_us(row[0]) if row and row[0] is not None else None
        return await self._db.read(work)

    async def prune(self, before: datetime) -> int:
        def work(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "DELETE FROM webhook_inbox WHERE processed_us IS NOT NULL AND received_us < ? AND seq NOT IN "
                "(SELECT MAX(seq) FROM webhook_inbox GROUP BY system)", (to_us(before),))
            return cursor.rowcount
        return await self._db.write(work)
