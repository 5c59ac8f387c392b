"""Merging web orders and till receipts into one history, newest first, with stable cursors.

A cursor names the last purchase seen by its sort key (time, source, id), not
by its position, so a page boundary does not move when a source that failed on
one page answers on the next.
"""

import base64
import binascii
import heapq
from collections.abc import Iterable, Sequence
from datetime import datetime

from connectors.domain import Purchase

SortKey = tuple[float, str, str]


def sort_key(p: Purchase) -> SortKey:
    """Newest first; ties (same instant) by source, then by id descending-independent string order."""
    return (-p.occurred_at.timestamp(), p.source.value, p.id)


def merge_newest_first(*histories: Iterable[Purchase]) -> list[Purchase]:
    """Merges histories that are each newest first (as the ports return them) in one pass."""
    return list(heapq.merge(*histories, key=sort_key))


def encode_cursor(p: Purchase) -> str:
    raw = f"{p.occurred_at.isoformat()}|{p.source.value}|{p.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> SortKey | None:
    """The sort key the cursor points at; None when it is not one of ours."""
    try:
        moment, source, ident = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 2)
        return (-datetime.fromisoformat(moment).timestamp(), source, ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def after_cursor(merged: Sequence[Purchase], key: SortKey | None) -> list[Purchase]:
    """The purchases strictly after `key` in history order (all of them without a key)."""
    if key is None:
        return list(merged)
    return [p for p in merged if sort_key(p) > key]
