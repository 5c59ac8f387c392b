"""SOQL text for `IN (…)` lookups, split so every statement fits Salesforce's limits.

A query travels in the URL (`GET …/query?q=…`), and Salesforce refuses a URI over
16,384 bytes with a 414. We cap each `IN` list at 200 values and keep the whole
encoded URL under 16,000 bytes (the sheet's rule), measuring with `quote(safe="")`,
which escapes at least as much as aiohttp does, so the estimate never falls short.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

IN_LIST_LIMIT = 200
URL_LIMIT = 16_000
_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_SEPARATOR = ", "


def literal(value: str) -> str:
    """A quoted SOQL string literal, backslash-escaped as Salesforce requires."""
    return "'" + value.translate(_ESCAPES) + "'"


def in_condition(field: str, values: Sequence[str]) -> str:
    return f"{field} IN ({_SEPARATOR.join(literal(v) for v in values)})"


def encoded_length(text: str) -> int:
    return len(quote(text, safe=""))


@dataclass(frozen=True)
class InQuery:
    """`<select> WHERE <field> IN (…) <tail>`, e.g. tail = `ORDER BY Id`."""

    select: str
    field: str
    tail: str = ""

    def statement(self, values: Sequence[str]) -> str:
        parts = (self.select, "WHERE", in_condition(self.field, values), self.tail)
        return " ".join(part for part in parts if part)

    def statements(self, values: Sequence[str], max_encoded: int) -> list[str]:
        """One statement per chunk of `values`, each at most 200 values and `max_encoded` bytes once encoded.

        Raises ValueError when one value alone cannot fit: callers bound their values
        (ids, Text(20) fields), so that is a bug, not input to tolerate.
        """
        fixed = encoded_length(self.statement([]))
        separator = encoded_length(_SEPARATOR)
        chunks: list[list[str]] = []
        size = fixed
        for value in values:
            cost = encoded_length(literal(value))
            if fixed + cost > max_encoded:
                raise ValueError(f"a {len(value)}-character value cannot fit in one query")
            if chunks and len(chunks[-1]) < IN_LIST_LIMIT and size + separator + cost <= max_encoded:
                chunks[-1].append(value)
                size += separator + cost
            else:
                chunks.append([value])
                size = fixed + cost
        return [self.statement(chunk) for chunk in chunks]
