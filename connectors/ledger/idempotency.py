"""The IdempotencyResults port on the ledger's `idempotency` table (a NULL result: still running)."""

import sqlite3
from datetime import datetime, timedelta

from ..domain import Claim, ClaimState
from .database import Database, to_us

# A claim still RUNNING after this was left by a process that died mid-write: a retry may take it over.
RUNNING_LEASE = timedelta(minutes=2)


class LedgerIdempotency:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(self, scope: str, key: str, fingerprint: str, at: datetime, keep: timedelta) -> Claim:
        def work(conn: sqlite3.Connection) -> Claim:
            now = to_us(at)
            conn.execute("DELETE FROM idempotency WHERE scope = ? AND key = ? AND expires_us <= ?", (scope, key, now))
            row = conn.execute("SELECT fingerprint, result, claimed_us FROM idempotency WHERE scope = ? AND key = ?",
                               (scope, key)).fetchone()
            if row is not None:
                stored, result, claimed = row
                if stored != fingerprint:
                    return Claim(ClaimState.CONFLICT)
                if result is not None:
                    return Claim(ClaimState.DONE, result)
                if claimed > to_us(at - RUNNING_LEASE):
                    return Claim(ClaimState.RUNNING)
            conn.execute("INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, result, claimed_us, expires_us) "
                         "VALUES (?, ?, ?, NULL, ?, ?)", (scope, key, fingerprint, now, to_us(at + keep)))
            return Claim(ClaimState.NEW)
        return await self._db.write(work)

    async def finish(self, scope: str, key: str, result: str) -> None:
        await self._db.write(lambda conn: conn.execute(
            "UPDATE idempotency SET result = ? WHERE scope = ? AND key = ?", (result, scope, key)))

    async def abandon(self, scope: str, key: str) -> None:
        await self._db.write(lambda conn: conn.execute(
            "DELETE FROM idempotency WHERE scope = ? AND key = ? AND result IS NULL", (scope, key)))

