"""The WebhookRegistrations port on PostgreSQL's `webhook_registrations` table: the row read `FOR UPDATE` and
replaced in one transaction, so two `omnigate webhooks register` at once keep a consistent previous secret."""

from datetime import timedelta

from ...domain import System
from ...webhook_ports import PREVIOUS_SECRET_GRACE, Registration
from ..registrations import COLUMNS, UPSERT, registration_of, replacing, values_of
from .database import Connection, PostgresDatabase, lock_key


class PostgresRegistrations:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def save(self, registration: Registration, keep_previous: timedelta = PREVIOUS_SECRET_GRACE
                   ) -> Registration:
        async def work(conn: Connection) -> Registration:
            system = registration.system.value
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("webhook_registration", system),))
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM webhook_registrations WHERE system = %s",
                                        (system,))
            row = await cursor.fetchone()
            stored = replacing(registration, registration_of(row) if row else None, keep_previous)
            await conn.execute(UPSERT.format(marks=", ".join(["%s"] * 7)), values_of(stored))
            return stored
        return await self._db.write(work)

    async def get(self, system: System) -> Registration | None:
        async def work(conn: Connection) -> Registration | None:
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM webhook_registrations WHERE system = %s",
                                        (system.value,))
            row = await cursor.fetchone()
            return registration_of(row) if row else None
        return await self._db.read(work)

    async def all(self) -> list[Registration]:
        async def work(conn: Connection) -> list[Registration]:
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM webhook_registrations ORDER BY system")
            return [registration_of(row) for row in await cursor.fetchall()]
        return await self._db.read(work)
