"""Builds the OData request URLs the ERP adapter sends: literals, key filters and query strings.

Everything a caller types (skus, search text) reaches SAP only through `literal()`,
so a quote in the input can never end the string early.
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from urllib.parse import quote

# Characters OData URLs use as syntax; left as they are so a URL in a log reads like the sheet.
_SAFE_IN_QUERY = "$'(),:/@"


def literal(text: str) -> str:
    """An OData string literal; a quote inside is doubled (`'O''Neil'`), the same in v2 and v4."""
    return "'" + text.replace("'", "''") + "'"


def any_of(name: str, values: Sequence[str]) -> str:
    """`(Name eq 'A' or Name eq 'B')`: the key-list filter SAP understands (it has no `in` in v2)."""
    return "(" + " or ".join(f"{name} eq {literal(value)}" for value in values) + ")"


def all_of(*conditions: str) -> str:
    return " and ".join(conditions)


def v2_datetime(day: date) -> str:
    """A v2 `Edm.DateTime` literal at midnight: how condition validity dates are stored."""
    return f"datetime'{day.isoformat()}T00:00:00'"


def with_query(path: str, params: Mapping[str, str]) -> str:
    """`path?a=b&…` with spaces as %20: '+' for a space is a form convention OData servers need not honour."""
    if not params:
        return path
    pairs = (f"{name}={quote(value, safe=_SAFE_IN_QUERY)}" for name, value in params.items())
    return f"{path}?{'&'.join(pairs)}"


def chunked(keys: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


def unique(keys: Sequence[str]) -> list[str]:
    """The distinct keys in first-seen order, so a repeated key costs nothing upstream."""
    return list(dict.fromkeys(keys))
