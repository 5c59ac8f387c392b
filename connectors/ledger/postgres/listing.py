"""Pages of holds per customer or per store in PostgreSQL: one statement for the whole batch of keys.

Each key is a row of `unnest(keys)` joined LATERAL to its own newest-first walk of its index, stopped after the page,
as the SQLite listing's UNION ALL branches do; the filters are the same function's.
"""

from collections.abc import Sequence

from ...domain import HoldListing, HoldPage
from ..listing import NEWEST_FIRST, Column, filters_of
from ..rows import COLUMNS, Row, hold_of
from .database import Connection


async def page_holds(conn: Connection, column: Column, keys: Sequence[str], listing: HoldListing) -> list[HoldPage]:
    """One page per key, aligned with `keys`: newest first, `listing.first` long, `has_more` if rows are left."""
    filters, params = filters_of(column, listing, mark="%s")
    cursor = await conn.execute(
        f"SELECT page.* FROM unnest(%s::text[]) AS k(key) CROSS JOIN LATERAL (SELECT {COLUMNS} FROM holds "
        f"WHERE {column} = k.key{filters} {NEWEST_FIRST} LIMIT %s) AS page",
        (list(dict.fromkeys(keys)), *params, listing.first + 1))
    found: dict[str, list[Row]] = {}
    for row in await cursor.fetchall():
        found.setdefault(row[4] if column == "customer_id" else row[2], []).append(row)
    pages = {}
    for key, rows in found.items():
        rows.sort(key=lambda r: (r[6], r[0]), reverse=True)
        pages[key] = HoldPage(tuple(hold_of(r) for r in rows[:listing.first]), len(rows) > listing.first)
    return [pages.get(key, HoldPage((), False)) for key in keys]
