"""The WebhookRegistrations port on the ledger's `webhook_registrations` table: one row per system.

Saving reads the row it replaces in the same write transaction, so the secret it keeps for the grace is the
one that was really current.
"""

import sqlite3
from datetime import timedelta

from ..domain import System
from ..webhook_ports import PREVIOUS_SECRET_GRACE, Registration
from .database import Database, from_us, to_us

COLUMNS = "system, subscription_id, notification_url, secret, registered_us, previous_secret, previous_until_us"
Row = tuple[str, str, str, str, int, str | None, int | None]


def registration_of(row: Row) -> Registration:
    system, subscription_id, url, secret, registered, previous, until = row
    return Registration(System(system), subscription_id, url, secret, from_us(registered), previous,
                        from_us(until) if until is not None else None)


def replacing(new: Registration, old: Registration | None, keep_previous: timedelta) -> Registration:
    """`new` as stored over `old`: a changed secret keeps the old one for `keep_previous`; an unchanged one keeps
    whatever grace was running."""
    if old is None:
        return new
    if old.secret != new.secret:
        if keep_previous <= timedelta(0):
            return new
        return Registration(new.system, new.subscription_id, new.notification_url, new.secret, new.registered_at,
                            old.secret, new.registered_at + keep_previous)
    return Registration(new.system, new.subscription_id, new.notification_url, new.secret, new.registered_at,
                        old.previous_secret, old.previous_until)


def values_of(r: Registration) -> tuple[object, ...]:
    return (r.system.value, r.subscription_id, r.notification_url, r.secret, to_us(r.registered_at),
            r.previous_secret, to_us(r.previous_until) if r.previous_until is not None else None)


UPSERT = (f"INSERT INTO webhook_registrations ({COLUMNS}) VALUES ({{marks}}) ON CONFLICT (system) DO UPDATE SET "
          "subscription_id = excluded.subscription_id, notification_url = excluded.notification_url, "
          "secret = excluded.secret, registered_us = excluded.registered_us, "
          "previous_secret = excluded.previous_secret, previous_until_us = excluded.previous_until_us")


class LedgerRegistrations:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def save(self, registration: Registration, keep_previous: timedelta = PREVIOUS_SECRET_GRACE
                   ) -> Registration:
        def work(conn: sqlite3.Connection) -> Registration:
            row = conn.execute(f"SELECT {COLUMNS} FROM webhook_registrations WHERE system = ?",
                               (registration.system.value,)).fetchone()
            stored = replacing(registration, registration_of(row) if row else None, keep_previous)
            conn.execute(UPSERT.format(marks=", ".join("?" * 7)), values_of(stored))
            return stored
        return await self._db.write(work)

    async def get(self, system: System) -> Registration | None:
        def work(conn: sqlite3.Connection) -> Registration | None:
            row = conn.execute(f"SELECT {COLUMNS} FROM webhook_registrations WHERE system = ?",
                               (system.value,)).fetchone()
            return registration_of(row) if row else None
        return await self._db.read(work)

    async def all(self) -> list[Registration]:
        def work(conn: sqlite3.Connection) -> list[Registration]:
            rows = conn.execute(f"SELECT {COLUMNS} FROM webhook_registrations ORDER BY system").fetchall()
            return [registration_of(row) for row in rows]
        return await self._db.read(work)
