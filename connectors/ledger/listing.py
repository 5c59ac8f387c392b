"""Pages of holds per customer or per store: filtered, ordered and cut in SQL, one statement per batch of keys.

Each key is one branch of a UNION ALL that walks its index (`holds_by_customer`, `holds_by_store`) from the
newest hold down and stops after the page (LIMIT), so a store with years of holds costs one page to list, and
a batch of a hundred customers is still one statement.
"""

import sqlite3
from collections.abc import Sequence
from typing import Literal

from ..domain import HoldListing, HoldPage, HoldStatus
from .database import to_us
from .rows import ACTIVE, COLUMNS, Row, hold_of

KEYS_PER_QUERY = 100  # at most 9 parameters a branch: under SQLite's oldest limit of 999
Column = Literal["customer_id", "store_code"]
NEWEST_FIRST = "ORDER BY created_us DESC, id DESC"


def page_holds(conn: sqlite3.Connection, column: Column, keys: Sequence[str], listing: HoldListing) -> list[HoldPage]:
    """One page per key, aligned with `keys`: newest first, `listing.first` long, `has_more` if rows are left."""
    filters, params = filters_of(column, listing)
    branch = f"SELECT * FROM (SELECT {COLUMNS} FROM holds WHERE {column} = ?{filters} {NEWEST_FIRST} LIMIT ?)"
    found: dict[str, list[Row]] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), KEYS_PER_QUERY):
        chunk = unique[start:start + KEYS_PER_QUERY]
        rows = conn.execute(" UNION ALL ".join(branch for _ in chunk),
                            [value for key in chunk for value in (key, *params, listing.first + 1)]).fetchall()
        for row in rows:
            found.setdefault(row[4] if column == "customer_id" else row[2], []).append(row)
    pages = {}
    for key, rows in found.items():
        rows.sort(key=lambda r: (r[6], r[0]), reverse=True)  # a compound keeps no order: the page's own rows
        pages[key] = HoldPage(tuple(hold_of(r) for r in rows[:listing.first]), len(rows) > listing.first)
    return [pages.get(key, HoldPage((), False)) for key in keys]


def filters_of(column: Column, listing: HoldListing, mark: str = "?") -> tuple[str, list[str | int]]:
    """The status as clients see it at `listing.at`: a lapsed ACTIVE row is EXPIRED, not ACTIVE; `mark`: the
    driver's parameter placeholder."""
    sql: list[str] = []
    params: list[str | int] = []
    at = to_us(listing.at)
    if listing.status is HoldStatus.ACTIVE:
        sql.append(f"status = {mark} AND expires_us > {mark}")
        params += [ACTIVE, at]
    elif listing.status is HoldStatus.EXPIRED:
        sql.append(f"(status = {mark} OR (status = {mark} AND expires_us <= {mark}))")
        params += [HoldStatus.EXPIRED.value, ACTIVE, at]
    elif listing.status is not None:
        sql.append(f"status = {mark}")
        params.append(listing.status.value)
    if column == "customer_id" and listing.store_code is not None:
        sql.append(f"store_code = {mark}")
        params.append(listing.store_code)
    if listing.after is not None:
        created, hold_id = listing.after
        sql.append(f"(created_us, id) < ({mark}, {mark})")
        params += [to_us(created), hold_id]
    return "".join(f" AND {part}" for part in sql), params
