"""One SQLite file, reached from one worker thread, so the event loop never waits on disk or on a lock.

WAL lets readers run while a writer commits; writers take `BEGIN IMMEDIATE`, the write lock up front, so a
check-then-insert is atomic across every process sharing the file (SQLite's busy timeout queues them).
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
BUSY_TIMEOUT_S = 10.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SCHEMA = """
CREATE TABLE IF NOT EXISTS holds (
    id TEXT PRIMARY KEY, sku TEXT NOT NULL, store_code TEXT NOT NULL, quantity INTEGER NOT NULL,
    customer_id TEXT, customer_card TEXT, created_us INTEGER NOT NULL, expires_us INTEGER NOT NULL,
    status TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS holds_active ON holds (sku, store_code, status, expires_us);
CREATE TABLE IF NOT EXISTS hold_orders (hold_id TEXT PRIMARY KEY, order_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS hold_orders_order ON hold_orders (order_id);
CREATE INDEX IF NOT EXISTS holds_by_customer ON holds (customer_id, created_us, id);
CREATE INDEX IF NOT EXISTS holds_by_store ON holds (store_code, created_us, id);
CREATE TABLE IF NOT EXISTS idempotency (
    scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, result TEXT, claimed_us INTEGER NOT NULL,
    expires_us INTEGER NOT NULL, PRIMARY KEY (scope, key));
CREATE TABLE IF NOT EXISTS undo_journal (
    id TEXT PRIMARY KEY, saga_id TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, args TEXT NOT NULL,
    due_us INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS undo_journal_due ON undo_journal (due_us);
CREATE INDEX IF NOT EXISTS undo_journal_saga ON undo_journal (saga_id);
CREATE TABLE IF NOT EXISTS appointment_answers (
    appointment_id TEXT PRIMARY KEY, channel TEXT, answer TEXT, answered_by TEXT, answered_us INTEGER);
CREATE TABLE IF NOT EXISTS webhook_inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, system TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    created_us INTEGER NOT NULL, received_us INTEGER NOT NULL, body BLOB NOT NULL, delivered INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, processed_us INTEGER, due_us INTEGER NOT NULL, UNIQUE (system, event_id));
CREATE INDEX IF NOT EXISTS webhook_inbox_due ON webhook_inbox (due_us, seq) WHERE processed_us IS NULL;
CREATE INDEX IF NOT EXISTS webhook_inbox_newest ON webhook_inbox (system, created_us);
CREATE TABLE IF NOT EXISTS webhook_registrations (
    system TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, notification_url TEXT NOT NULL, secret TEXT NOT NULL,
    registered_us INTEGER NOT NULL, previous_secret TEXT, previous_until_us INTEGER);
"""


def to_us(at: datetime) -> int:
    """Whole microseconds since the epoch: exact, and ordered as the times are (floats are neither)."""
    return (at - EPOCH) // timedelta(microseconds=1)


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


class Database:
    """The connection lives in the executor's single thread; every call is queued to it."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger")
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(SCHEMA)
            self._conn = conn
        return self._conn

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Runs `work` outside any explicit transaction (each statement sees the last commit)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, lambda: work(self._connection()))

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Runs `work` in one short `BEGIN IMMEDIATE` transaction: committed if it returns, rolled back if not."""
        def transaction() -> T:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result
        return await asyncio.get_running_loop().run_in_executor(self._executor, transaction)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close)
        self._executor.shutdown(wait=True)


@asynccontextmanager
async def open_database(path: Path) -> AsyncIterator[Database]:
    """The file and its tables are created on first use; the connection is closed when the gateway stops."""
    database = Database(path)
    try:
        await database.read(lambda conn: None)
        yield database
    finally:
        await database.close()
