"""The Reservations port on PostgreSQL's `holds` table.

A hold checks and writes in one transaction that first takes a transaction-level advisory lock named by its
(sku, store): two replicas holding the same article at the same store queue on it, so the second counts the first's
units, while holds of other pairs run side by side. The lock ends with the transaction, also when a replica dies.
"""

from collections.abc import Sequence
from datetime import datetime

from ...domain import Hold, HoldListing, HoldPage, HoldStatus
from ..database import to_us
from ..rows import ACTIVE, COLUMNS, hold_of
from .database import Connection, PostgresDatabase, lock_key
from .listing import page_holds


async def _held(conn: Connection, sku: str, store_code: str, at_us: int) -> int:
    cursor = await conn.execute("SELECT COALESCE(SUM(quantity), 0) FROM holds WHERE sku = %s AND store_code = %s "
                                "AND status = %s AND expires_us > %s", (sku, store_code, ACTIVE, at_us))
    row = await cursor.fetchone()
    return int(row[0]) if row else 0


class PostgresReservations:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def hold(self, hold: Hold, available: int) -> bool:
        async def work(conn: Connection) -> bool:
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("hold", hold.sku, hold.store_code),))
            if available - await _held(conn, hold.sku, hold.store_code, to_us(hold.created_at)) < hold.quantity:
                return False
            await conn.execute(f"INSERT INTO holds ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                               (hold.id, hold.sku, hold.store_code, hold.quantity, hold.customer_id,
                                hold.customer_card, to_us(hold.created_at), to_us(hold.expires_at), ACTIVE))
            return True
        return await self._db.write(work)

    async def release(self, hold_id: str, at: datetime) -> Hold | None:
        return await self._close(hold_id, at, HoldStatus.CANCELLED)

    async def collect(self, hold_id: str, at: datetime) -> Hold | None:
        return await self._close(hold_id, at, HoldStatus.COLLECTED)

    async def _close(self, hold_id: str, at: datetime, status: HoldStatus) -> Hold | None:
        async def work(conn: Connection) -> Hold | None:
            cursor = await conn.execute(f"UPDATE holds SET status = %s WHERE id = %s AND status = %s "
                                        f"AND expires_us > %s RETURNING {COLUMNS}",
                                        (status.value, hold_id, ACTIVE, to_us(at)))
            row = await cursor.fetchone()
            return hold_of(row) if row else None
        return await self._db.read(work)

    async def held(self, pairs: Sequence[tuple[str, str]], at: datetime) -> list[int]:
        async def work(conn: Connection) -> list[int]:
            unique = list(dict.fromkeys(pairs))
            cursor = await conn.execute(
                "SELECT sku, store_code, SUM(quantity) FROM holds WHERE status = %s AND expires_us > %s "
                "AND (sku, store_code) IN (SELECT * FROM unnest(%s::text[], %s::text[])) GROUP BY sku, store_code",
                (ACTIVE, to_us(at), [sku for sku, _ in unique], [store for _, store in unique]))
            totals = {(sku, store): int(units) for sku, store, units in await cursor.fetchall()}
            return [totals.get(pair, 0) for pair in pairs]
        return await self._db.read(work) if pairs else []

    async def holds(self, ids: Sequence[str]) -> list[Hold | None]:
        async def work(conn: Connection) -> list[Hold | None]:
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM holds WHERE id = ANY(%s)", (list(set(ids)),))
            found = {row[0]: hold_of(row) for row in await cursor.fetchall()}
            return [found.get(hold_id) for hold_id in ids]
        return await self._db.read(work) if ids else []

    async def link(self, hold_ids: Sequence[str], order_id: str) -> None:
        async def work(conn: Connection) -> None:
            async with conn.cursor() as cursor:
                await cursor.executemany("INSERT INTO hold_orders (hold_id, order_id) VALUES (%s, %s) "
                                         "ON CONFLICT (hold_id) DO UPDATE SET order_id = excluded.order_id",
                                         [(hold_id, order_id) for hold_id in hold_ids])
        await self._db.write(work)

    async def order_holds(self, order_id: str) -> list[Hold]:
        async def work(conn: Connection) -> list[Hold]:
            columns = ", ".join(f"h.{c.strip()}" for c in COLUMNS.split(","))
            cursor = await conn.execute(f"SELECT {columns} FROM holds h JOIN hold_orders o ON o.hold_id = h.id "
                                        f"WHERE o.order_id = %s ORDER BY h.created_us, h.id", (order_id,))
            return [hold_of(row) for row in await cursor.fetchall()]
        return await self._db.read(work)

    async def holds_of(self, customer_ids: Sequence[str], listing: HoldListing) -> list[HoldPage]:
        return await self._db.read(lambda conn: page_holds(conn, "customer_id", customer_ids, listing)) \
            if customer_ids else []

    async def holds_at(self, store_codes: Sequence[str], listing: HoldListing) -> list[HoldPage]:
        return await self._db.read(lambda conn: page_holds(conn, "store_code", store_codes, listing)) \
            if store_codes else []

    async def expire(self, at: datetime) -> list[Hold]:
        async def work(conn: Connection) -> list[Hold]:
            cursor = await conn.execute(f"UPDATE holds SET status = %s WHERE status = %s AND expires_us <= %s "
                                        f"RETURNING {COLUMNS}", (HoldStatus.EXPIRED.value, ACTIVE, to_us(at)))
            return [hold_of(row) for row in await cursor.fetchall()]
        return await self._db.read(work)
