"""$orderby: parsing the key list and sorting rows by it (nulls first ascending, as OData orders them)."""

from collections.abc import Callable
from typing import Any

from .errors import ODataError, Version
from .filter_compile import compile_value
from .lexer import split_outside
from .model import EntityType, Row

Ordering = tuple[tuple[Callable[[Row], Any], bool], ...]  # (value of a row, descending)


def parse_orderby(text: str, etype: EntityType, version: Version) -> Ordering:
    keys: list[tuple[Callable[[Row], Any], bool]] = []
    for item in split_outside(text, ","):
        expression, _, direction = item.rpartition(" ")
        if direction not in ("asc", "desc"):
            expression, direction = item, "asc"
        if not expression.strip():
            raise ODataError(400, f"Invalid $orderby item '{item}'")
        keys.append((compile_value(expression.strip(), etype, version), direction == "desc"))
    return tuple(keys)


def sort_rows(rows: list[Row], ordering: Ordering) -> list[Row]:
    """A stable multi-key sort: one pass per key, least significant first."""
    ordered = list(rows)
    for value, descending in reversed(ordering):
        ordered.sort(key=_nulls_first(value), reverse=descending)
    return ordered


def _nulls_first(value: Callable[[Row], Any]) -> Callable[[Row], tuple[bool, Any]]:
    def key(row: Row) -> tuple[bool, Any]:
        found = value(row)
        return (found is not None, found)

    return key
