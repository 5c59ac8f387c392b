"""The ledger's ports over one store, chosen by configuration: the SQLite file by default, PostgreSQL when a
database URL is given (replicas)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import ports, webhook_ports
from .answers import LedgerAppointmentAnswers
from .database import open_database
from .holds import LedgerReservations
from .idempotency import LedgerIdempotency
from .inbox import LedgerInbox
from .journal import LedgerJournal
from .registrations import LedgerRegistrations


@dataclass(frozen=True)
class LedgerPorts:
    reservations: ports.Reservations
    idempotency: ports.IdempotencyResults
    journal: ports.UndoJournal
    appointment_answers: ports.AppointmentAnswers
    inbox: webhook_ports.Inbox
    registrations: webhook_ports.WebhookRegistrations


@asynccontextmanager
async def open_ledger(path: Path, database_url: str | None = None) -> AsyncIterator[LedgerPorts]:
    """Open until the gateway stops. PostgreSQL's schema must be migrated (`omnigate migrate`); an empty database
    is migrated here, so that a first start needs no extra step."""
    if database_url is None:
        async with open_database(path) as database:
            yield LedgerPorts(LedgerReservations(database), LedgerIdempotency(database), LedgerJournal(database),
                              LedgerAppointmentAnswers(database), LedgerInbox(database),
                              LedgerRegistrations(database))
        return
    from .postgres.connect import open_postgres_ledger  # psycopg is loaded only by those who use it

    async with open_postgres_ledger(database_url) as ledger:
        yield ledger


async def migrate(database_url: str) -> list[str]:
    """Applies PostgreSQL's pending migrations; returns their names (none: the schema was current)."""
    from .postgres.connect import migrate as apply_pending

    return await apply_pending(database_url)
