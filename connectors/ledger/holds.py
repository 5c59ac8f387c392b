"""The Reservations port on the ledger's `holds` table."""

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ..domain import Hold, HoldListing, HoldPage, HoldStatus
from .database import Database, to_us
from .listing import page_holds
from .rows import ACTIVE, COLUMNS, hold_of

PAIRS_PER_QUERY = 400  # two parameters each, well under SQLite's oldest limit of 999
SKUS_PER_QUERY = 900


def _held(conn: sqlite3.Connection, sku: str, store_code: str, at_us: int) -> int:
    row = conn.execute("SELECT COALESCE(SUM(quantity), 0) FROM holds WHERE sku = ? AND store_code = ? "
                       "AND status = ? AND expires_us > ?", (sku, store_code, ACTIVE, at_us)).fetchone()
    return int(row[0])


class LedgerReservations:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def hold(self, hold: Hold, available: int) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            if available - _held(conn, hold.sku, hold.store_code, to_us(hold.created_at)) < hold.quantity:
                return False
            conn.execute(f"INSERT INTO holds ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (hold.id, hold.sku, hold.store_code, hold.quantity, hold.customer_id, hold.customer_card,
                          to_us(hold.created_at), to_us(hold.expires_at), ACTIVE))
            return True
        return await self._db.write(work)

    async def release(self, hold_id: str, at: datetime) -> Hold | None:
        return await self._close(hold_id, at, HoldStatus.CANCELLED)

    async def collect(self, hold_id: str, at: datetime) -> Hold | None:
        return await self._close(hold_id, at, HoldStatus.COLLECTED)

    async def _close(self, hold_id: str, at: datetime, status: HoldStatus) -> Hold | None:
        def work(conn: sqlite3.Connection) -> Hold | None:
            row = conn.execute(f"UPDATE holds SET status = ? WHERE id = ? AND status = ? AND expires_us > ? "
                               f"RETURNING {COLUMNS}", (status.value, hold_id, ACTIVE, to_us(at))).fetchone()
            return hold_of(row) if row else None
        return await self._db.write(work)

    async def held(self, pairs: Sequence[tuple[str, str]], at: datetime) -> list[int]:
        """Asked by sku, not by pair: a partner's 100 skus in 15 stores each are 100 parameters, not 3,000, and
        the few active holds of those skus are matched to the pairs here."""
        def work(conn: sqlite3.Connection) -> list[int]:
            totals: dict[tuple[str, str], int] = {}
            skus = list(dict.fromkeys(sku for sku, _ in pairs))
            for start in range(0, len(skus), SKUS_PER_QUERY):
                chunk = skus[start:start + SKUS_PER_QUERY]
                marks = ", ".join("?" for _ in chunk)
                rows = conn.execute(
                    f"SELECT sku, store_code, SUM(quantity) FROM holds WHERE sku IN ({marks}) AND status = ? "
                    f"AND expires_us > ? GROUP BY sku, store_code", (*chunk, ACTIVE, to_us(at))).fetchall()
                totals.update({(sku, store): int(units) for sku, store, units in rows})
            return [totals.get(pair, 0) for pair in pairs]
        return await self._db.read(work) if pairs else []

    async def holds(self, ids: Sequence[str]) -> list[Hold | None]:
        def work(conn: sqlite3.Connection) -> list[Hold | None]:
            found: dict[str, Hold] = {}
            unique = list(dict.fromkeys(ids))
            for start in range(0, len(unique), PAIRS_PER_QUERY):
                chunk = unique[start:start + PAIRS_PER_QUERY]
                marks = ", ".join("?" for _ in chunk)
                rows = conn.execute(f"SELECT {COLUMNS} FROM holds WHERE id IN ({marks})", chunk).fetchall()
                found.update({row[0]: hold_of(row) for row in rows})
            return [found.get(hold_id) for hold_id in ids]
        return await self._db.read(work) if ids else []

    async def link(self, hold_ids: Sequence[str], order_id: str) -> None:
        await self._db.write(lambda conn: conn.executemany(
            "INSERT OR REPLACE INTO hold_orders (hold_id, order_id) VALUES (?, ?)",
            [(hold_id, order_id) for hold_id in hold_ids]))

    async def order_holds(self, order_id: str) -> list[Hold]:
        def work(conn: sqlite3.Connection) -> list[Hold]:
            columns = ", ".join(f"h.{c.strip()}" for c in COLUMNS.split(","))
            rows = conn.execute(f"SELECT {columns} FROM holds h JOIN hold_orders o ON o.hold_id = h.id "
                                f"WHERE o.order_id = ? ORDER BY h.created_us, h.id", (order_id,)).fetchall()
            return [hold_of(row) for row in rows]
        return await self._db.read(work)

    async def holds_of(self, customer_ids: Sequence[str], listing: HoldListing) -> list[HoldPage]:
        return await self._db.read(lambda conn: page_holds(conn, "customer_id", customer_ids, listing)) \
            if customer_ids else []

    async def holds_at(self, store_codes: Sequence[str], listing: HoldListing) -> list[HoldPage]:
        return await self._db.read(lambda conn: page_holds(conn, "store_code", store_codes, listing)) \
            if store_codes else []

    async def expire(self, at: datetime) -> list[Hold]:
        def work(conn: sqlite3.Connection) -> list[Hold]:
            rows = conn.execute(f"UPDATE holds SET status = ? WHERE status = ? AND expires_us <= ? "
                                f"RETURNING {COLUMNS}", (HoldStatus.EXPIRED.value, ACTIVE, to_us(at))).fetchall()
            return [hold_of(row) for row in rows]
        return await self._db.write(work)
