"""A pool of connections to the ledger's PostgreSQL database, and the one place its errors become ours.

Connections are in autocommit: a read is one statement on the last commit, a write is one short explicit
transaction. Each connection is checked when taken from the pool, so after PostgreSQL restarts the first request
gets a fresh connection instead of a dead one. psycopg's errors leave here as `UpstreamUnavailable("ledger")`:
the gateway answers `UPSTREAM_UNAVAILABLE` as for any system that does not answer.
"""

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool

from ...errors import UpstreamUnavailable

T = TypeVar("T")
Connection = psycopg.AsyncConnection[tuple[Any, ...]]
SYSTEM = "ledger"
POOL_SIZE = 10  # per process; a transaction lasts a few milliseconds
WAIT_S = 5.0  # for a free connection, and for the first one at start


def lock_key(*parts: str) -> int:
    """A signed 64-bit key for `pg_advisory_xact_lock` naming `parts` (a collision only serialises two keys)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresDatabase:
    def __init__(self, pool: AsyncConnectionPool[Connection]) -> None:
        self._pool = pool

    async def read(self, work: Callable[[Connection], Awaitable[T]]) -> T:
        """Runs `work` outside any explicit transaction (each statement sees the last commit)."""
        try:
            async with self._pool.connection() as conn:
                return await work(conn)
        except psycopg.OperationalError as error:
            raise UpstreamUnavailable(SYSTEM, str(error).strip()) from error

    async def write(self, work: Callable[[Connection], Awaitable[T]]) -> T:
        """Runs `work` in one transaction: committed if it returns, rolled back if not. Pipelined: statements go
        out without waiting, and only reading a result waits, so BEGIN, a lock and the read after it cost one round
        trip, the write and COMMIT another."""
        try:
            async with self._pool.connection() as conn, conn.pipeline(), conn.transaction():
                return await work(conn)
        except psycopg.OperationalError as error:
            raise UpstreamUnavailable(SYSTEM, str(error).strip()) from error


@asynccontextmanager
async def open_pool(url: str) -> AsyncIterator[AsyncConnectionPool[Connection]]:
    """Opened once the first connection is made (fails after `WAIT_S`), closed when the gateway stops."""
    pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
        url, min_size=1, max_size=POOL_SIZE, open=False, timeout=WAIT_S, kwargs={"autocommit": True},
        check=AsyncConnectionPool.check_connection, name="omnigate-ledger")
    try:
        try:
            await pool.open(wait=True, timeout=WAIT_S)
        except psycopg.OperationalError as error:
            raise UpstreamUnavailable(SYSTEM, f"cannot connect to PostgreSQL: {error}") from error
        yield pool
    finally:
        await pool.close()
