"""The IdempotencyResults port on PostgreSQL's `idempotency` table (a NULL result: still running).

A claim reads and writes its key under a transaction-level advisory lock named by (scope, key): two replicas
claiming one key at once queue, and the second sees the first's claim.
"""

from datetime import datetime, timedelta

from ...domain import Claim, ClaimState
from ..database import to_us
from ..idempotency import RUNNING_LEASE
from .database import Connection, PostgresDatabase, lock_key


class PostgresIdempotency:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def claim(self, scope: str, key: str, fingerprint: str, at: datetime, keep: timedelta) -> Claim:
        async def work(conn: Connection) -> Claim:
            now = to_us(at)
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("idempotency", scope, key),))
            await conn.execute("DELETE FROM idempotency WHERE scope = %s AND key = %s AND expires_us <= %s",
                               (scope, key, now))
            cursor = await conn.execute("SELECT fingerprint, result, claimed_us FROM idempotency "
                                        "WHERE scope = %s AND key = %s", (scope, key))
            row = await cursor.fetchone()
            if row is not None:
                stored, result, claimed = row
                if stored != fingerprint:
                    return Claim(ClaimState.CONFLICT)
                if result is not None:
                    return Claim(ClaimState.DONE, result)
                if claimed > to_us(at - RUNNING_LEASE):
                    return Claim(ClaimState.RUNNING)
            await conn.execute(
                "INSERT INTO idempotency (scope, key, fingerprint, result, claimed_us, expires_us) "
                "VALUES (%s, %s, %s, NULL, %s, %s) ON CONFLICT (scope, key) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, result = NULL, claimed_us = excluded.claimed_us, "
                "expires_us = excluded.expires_us", (scope, key, fingerprint, now, to_us(at + keep)))
            return Claim(ClaimState.NEW)
        return await self._db.write(work)

    async def finish(self, scope: str, key: str, result: str) -> None:
        async def work(conn: Connection) -> None:
            await conn.execute("UPDATE idempotency SET result = %s WHERE scope = %s AND key = %s", (result, scope, key))
        await self._db.read(work)

    async def abandon(self, scope: str, key: str) -> None:
        async def work(conn: Connection) -> None:
            await conn.execute("DELETE FROM idempotency WHERE scope = %s AND key = %s AND result IS NULL",
                               (scope, key))
        await self._db.read(work)
