"""Every cursor the gateway hands out, in one place: opaque to clients, refused when not one of ours.

Four formats: an offset into a list the gateway can recompute (search, stores); a purchase's sort key
for the merged history, so its page boundary does not move when a source that failed on one page
answers on the next; a reservation's (created, id), the ledger's own order, so a hold made or closed
meanwhile neither repeats nor skips one; and a discrepancy's sku, so a page after the price-audit index
is rebuilt starts after the last sku seen.
"""

import base64
from datetime import datetime

from connectors.domain import Hold, Purchase, System

from ..errors import GatewayError, bad_input
from ..history import SortKey

MAX_OFFSET = 2**31 - 1  # GraphQL's Int: no cursor we issue points further, and none goes upstream past it
_SOURCES = frozenset(s.value for s in System)


def offset_cursor(offset: int) -> str:
    return _encode(f"offset:{offset}")


def parse_offset_cursor(cursor: str | None) -> int:
    """The offset just after `cursor`; 0 without one."""
    if cursor is None:
        return 0
    try:
        kind, _, number = _decode(cursor).partition(":")
        offset = int(number)
    except ValueError:
        raise _refused(cursor) from None
    if kind != "offset" or not 0 <= offset < MAX_OFFSET:
        raise _refused(cursor)
    return offset + 1


def history_cursor(p: Purchase) -> str:
    return _encode(f"{p.occurred_at.isoformat()}|{p.source.value}|{p.id}")


def decode_history_cursor(cursor: str) -> SortKey | None:
    """The sort key the cursor points at; None when it is not one of ours."""
    try:
        moment, source, ident = _decode(cursor).split("|", 2)
        key = (-datetime.fromisoformat(moment).timestamp(), source, ident)
    except ValueError:
        return None
    return key if source in _SOURCES else None


def parse_history_cursor(cursor: str | None) -> SortKey | None:
    """The sort key to continue after; None (from the start) without a cursor."""
    if cursor is None:
        return None
    key = decode_history_cursor(cursor)
    if key is None:
        raise _refused(cursor)
    return key


def hold_cursor(h: Hold) -> str:
    return _encode(f"hold:{h.created_at.isoformat()}|{h.id}")


def parse_hold_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The (created_at, id) to continue after; None (from the newest) without a cursor."""
    if cursor is None:
        return None
    try:
        kind, _, rest = _decode(cursor).partition(":")
        moment, ident = rest.split("|", 1)
        created = datetime.fromisoformat(moment)
    except ValueError:
        raise _refused(cursor) from None
    if kind != "hold" or not ident or created.tzinfo is None:
        raise _refused(cursor)
    return created, ident


def sku_cursor(sku: str) -> str:
    return _encode(f"sku:{sku}")


def parse_sku_cursor(cursor: str | None) -> str | None:
    """The sku to continue after; None (from the first) without a cursor."""
    if cursor is None:
        return None
    try:
        kind, _, sku = _decode(cursor).partition(":")
    except ValueError:
        raise _refused(cursor) from None
    if kind != "sku" or not sku:
        raise _refused(cursor)
    return sku


def _encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str) -> str:
    """Raises ValueError (binascii.Error and UnicodeDecodeError are both) when it is not base64 of text."""
    return base64.urlsafe_b64decode(cursor.encode()).decode()


def _refused(cursor: str) -> GatewayError:
    return bad_input(f"{cursor!r} is not a valid cursor")
