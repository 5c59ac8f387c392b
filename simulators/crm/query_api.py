"""`GET /query` and `GET /query/{locator}`: SOQL results in batches, walked with `nextRecordsUrl`."""

import re

from .calls import Call, Org, Reply
from .cursors import Cursor
from .engine import plan, render, run
from .errors import ApiError, Json
from .schema import API

DEFAULT_BATCH = 2000
MIN_BATCH = 200
_BATCH_SIZE = re.compile(r"batchSize\s*=\s*([0-9]{1,9})(?![0-9])", re.IGNORECASE)  # longer: clamped anyway
_POSITION = re.compile(r"[0-9]{1,18}")


def batch_size(options: str | None) -> int:
    """From `Sforce-Query-Options: batchSize=N`: clamped to 200-2,000 (the simulator returns exactly that many)."""
    match = _BATCH_SIZE.search(options or "")
    return DEFAULT_BATCH if match is None else max(MIN_BATCH, min(DEFAULT_BATCH, int(match.group(1))))


def query(org: Org, call: Call) -> Reply:
    text = call.query.get("q")
    if not text:
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    p = plan(org.store, text)
    cursor = Cursor(p.table, p.fields, run(p), batch_size(call.headers.get("Sforce-Query-Options")))
    return Reply(200, _page(org, cursor, 0, None))


def query_more(org: Org, call: Call) -> Reply:
    locator, _, position = call.params["locator"].rpartition("-")
    cursor = org.cursors.get(locator)
    if not _POSITION.fullmatch(position) or int(position) >= len(cursor.ids):
        raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return Reply(200, _page(org, cursor, int(position), locator))


def _page(org: Org, cursor: Cursor, start: int, locator: str | None) -> dict[str, Json]:
    end = min(start + cursor.batch, len(cursor.ids))
    body: dict[str, Json] = {"totalSize": len(cursor.ids), "done": end >= len(cursor.ids)}
    if end < len(cursor.ids):
        body["nextRecordsUrl"] = f"{API}/query/{locator or org.cursors.open(cursor)}-{end}"
    body["records"] = [render(cursor.table, i, cursor.fields) for i in cursor.ids[start:end]]
    return body
