"""Cursor pagination shared by every connection: `first` capped at 100, pages of offsets."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..errors import bad_input
from .common import PageInfo
from .cursors import offset_cursor, parse_offset_cursor

MAX_FIRST = 100
T = TypeVar("T")


def check_first(first: int | None, default: int) -> int:
    first = default if first is None else first
    if first < 0 or first > MAX_FIRST:
        raise bad_input(f"`first` must be between 0 and {MAX_FIRST}, got {first}")
    return first


def check_list(values: Sequence[object], name: str) -> None:
    if len(values) > MAX_FIRST:
        raise bad_input(f"`{name}` takes at most {MAX_FIRST} values, got {len(values)}")


@dataclass(frozen=True)
class Window(Generic[T]):
    """One page of an in-memory list: the items with their offsets, and the page info."""

    items: list[tuple[int, T]]
    page_info: PageInfo


def window(all_items: Sequence[T], first: int, after: str | None) -> Window[T]:
    start = parse_offset_cursor(after)
    chosen = list(enumerate(all_items))[start:start + first]
    return Window(chosen, page_info(start, [offset for offset, _ in chosen], len(all_items)))


def empty_page() -> PageInfo:
    return PageInfo(has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None)


def page_info(start: int, offsets: list[int], total: int) -> PageInfo:
    after_page = offsets[-1] + 1 if offsets else start
    return PageInfo(
        has_next_page=after_page < total,
        has_previous_page=start > 0,
        start_cursor=offset_cursor(offsets[0]) if offsets else None,
        end_cursor=offset_cursor(offsets[-1]) if offsets else None,
    )
