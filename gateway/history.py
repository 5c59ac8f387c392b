"""Merging web orders and till receipts into one history, newest first, paged by sort key.

A page continues after the last purchase seen by its sort key (time, source, id), not
by its position, so a page boundary does not move when a source that failed on
one page answers on the next. The cursors that carry the key are in `gateway.schema.cursors`.
"""

import heapq
from collections.abc import Iterable, Sequence

from connectors.domain import Purchase

SortKey = tuple[float, str, str]


def sort_key(p: Purchase) -> SortKey:
    """Newest first; ties (same instant) by source, then by id descending-independent string order."""
    return (-p.occurred_at.timestamp(), p.source.value, p.id)


def merge_newest_first(*histories: Iterable[Purchase]) -> list[Purchase]:
    """Merges histories that are each newest first (as the ports return them) in one pass."""
    return list(heapq.merge(*histories, key=sort_key))


def after_cursor(merged: Sequence[Purchase], key: SortKey | None) -> list[Purchase]:
    """The purchases strictly after `key` in history order (all of them without a key)."""
    if key is None:
        return list(merged)
    return [p for p in merged if sort_key(p) > key]
