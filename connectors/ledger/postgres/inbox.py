"""The Inbox port on PostgreSQL's `webhook_inbox` table.

`take` leases with `FOR UPDATE SKIP LOCKED`: replicas taking at once each get other events (none waits on
another's), and a taken event is not due again until its lease lapses, so one replica processes each.
"""

from datetime import datetime, timedelta

from ...domain import System
from ...webhook_ports import InboxEvent
from ..database import from_us, to_us
from ..inbox import COLUMNS, INSERT, event_of, values_of
from .database import Connection, PostgresDatabase


class PostgresInbox:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def record(self, event: InboxEvent) -> bool:
        async def work(conn: Connection) -> bool:
            cursor = await conn.execute(INSERT.format(marks=", ".join(["%s"] * 10)), values_of(event))
            return cursor.rowcount == 1
        return await self._db.read(work)

    async def take(self, at: datetime, lease: timedelta, limit: int) -> list[InboxEvent]:
        async def work(conn: Connection) -> list[InboxEvent]:
            columns = ", ".join(f"i.{c.strip()}" for c in COLUMNS.split(","))
            cursor = await conn.execute(
                f"WITH due AS (SELECT seq FROM webhook_inbox WHERE processed_us IS NULL AND due_us <= %s "
                f"ORDER BY seq LIMIT %s FOR UPDATE SKIP LOCKED) UPDATE webhook_inbox i SET due_us = %s, "
                f"attempts = i.attempts + 1 FROM due WHERE i.seq = due.seq RETURNING i.seq, {columns}",
                (to_us(at), limit, to_us(at + lease)))
            rows = sorted(await cursor.fetchall(), key=lambda row: int(row[0]))
            return [event_of(row[1:]) for row in rows]
        return await self._db.write(work)

    async def processed(self, system: System, event_id: str, at: datetime) -> None:
        async def work(conn: Connection) -> None:
            await conn.execute("UPDATE webhook_inbox SET processed_us = %s WHERE system = %s AND event_id = %s "
                               "AND processed_us IS NULL", (to_us(at), system.value, event_id))
        await self._db.read(work)

    async def unprocessed(self) -> list[InboxEvent]:
        async def work(conn: Connection) -> list[InboxEvent]:
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM webhook_inbox WHERE processed_us IS NULL "
                                        "ORDER BY seq")
            return [event_of(row) for row in await cursor.fetchall()]
        return await self._db.read(work)

    async def backlog(self) -> tuple[int, datetime | None]:
        async def work(conn: Connection) -> tuple[int, datetime | None]:
            cursor = await conn.execute("SELECT COUNT(*), MIN(received_us) FROM webhook_inbox "
                                        "WHERE processed_us IS NULL")
            row = await cursor.fetchone()
            count, oldest = row if row else (0, None)
            return int(count), from_us(int(oldest)) if oldest is not None else None
        return await self._db.read(work)

    async def last_event(self, system: System) -> tuple[str, datetime] | None:
        async def work(conn: Connection) -> tuple[str, datetime] | None:
            cursor = await conn.execute("SELECT event_id, created_us FROM webhook_inbox WHERE system = %s "
                                        "ORDER BY created_us DESC, seq DESC LIMIT 1", (system.value,))
            row = await cursor.fetchone()
            return (str(row[0]), from_us(int(row[1]))) if row else None
        return await self._db.read(work)

    async def last_delivery_at(self, system: System) -> datetime | None:
        async def work(conn: Connection) -> datetime | None:
            cursor = await conn.execute("SELECT MAX(received_us) FROM webhook_inbox WHERE system = %s "
                                        "AND delivered", (system.value,))
            row = await cursor.fetchone()
            return from_us(int(row[0])) if row and row[0] is not None else None
        return await self._db.read(work)

    async def prune(self, before: datetime) -> int:
        async def work(conn: Connection) -> int:
            cursor = await conn.execute(
                "DELETE FROM webhook_inbox WHERE processed_us IS NOT NULL AND received_us < %s AND seq NOT IN "
                "(SELECT MAX(seq) FROM webhook_inbox GROUP BY system)", (to_us(before),))
            return cursor.rowcount
        return await self._db.read(work)
