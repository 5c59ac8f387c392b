"""The PostgreSQL ledger opened for serving: a pool, a schema at the version this code expects, its ports."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg

from ...errors import UpstreamUnavailable
from ..store import LedgerPorts
from .answers import PostgresAppointmentAnswers
from .database import SYSTEM, WAIT_S, Connection, PostgresDatabase, open_pool
from .holds import PostgresReservations
from .idempotency import PostgresIdempotency
from .inbox import PostgresInbox
from .journal import PostgresJournal
from .migrations import applied, apply, pending
from .registrations import PostgresRegistrations


class SchemaBehind(UpstreamUnavailable):
    """The database has an older ledger schema than this code: `omnigate migrate` must run first."""


@asynccontextmanager
async def open_postgres_ledger(url: str) -> AsyncIterator[LedgerPorts]:
    """Migrates a database with no ledger yet (a first start, a demo); refuses one whose schema is behind, which
    only the operator's `omnigate migrate` (a Kubernetes Job) changes, once, not every replica on its way up."""
    async with open_pool(url) as pool:
        async with pool.connection() as conn:
            if not await applied(conn):
                await apply(conn)
            elif missing := await pending(conn):
                raise SchemaBehind(SYSTEM, f"the ledger's schema lacks {', '.join(missing)}: run `omnigate migrate`")
        database = PostgresDatabase(pool)
        yield LedgerPorts(PostgresReservations(database), PostgresIdempotency(database), PostgresJournal(database),
                          PostgresAppointmentAnswers(database), PostgresInbox(database),
                          PostgresRegistrations(database))


async def migrate(url: str) -> list[str]:
    """Applies what is missing and returns it; safe beside replicas starting and another `migrate` running."""
    try:
        conn: Connection = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=int(WAIT_S))
    except psycopg.OperationalError as error:
        raise UpstreamUnavailable(SYSTEM, f"cannot connect to PostgreSQL: {error}".strip()) from error
    async with conn:
        return await apply(conn)
