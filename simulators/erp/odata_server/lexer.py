"""Splits an OData expression ($filter, $orderby item, key predicate) into tokens.

One lexer serves both protocol versions; the parser decides which literal
forms a version accepts, so the error names the construct instead of a character.
"""

import re
from dataclasses import dataclass
from enum import Enum

from .errors import ODataError


class Kind(Enum):
    STRING = "string"
    TYPED = "typed"  # v2 datetime'…', datetimeoffset'…', guid'…'
    DATETIME = "datetime"  # v4 bare DateTimeOffset
    DATE = "date"  # v4 bare Date
    NUMBER = "number"
    NAME = "name"
    PUNCT = "punct"
    END = "end"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str
    position: int


_PATTERNS = (
    (None, r"\s+"),
    (Kind.TYPED, r"(?:datetimeoffset|datetime|guid|time)'[^']*'"),
    (Kind.STRING, r"'(?:[^']|'')*'"),
    (Kind.DATETIME, r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})"),
    (Kind.DATE, r"\d{4}-\d{2}-\d{2}(?![\dT])"),
    (Kind.NUMBER, r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMlLdDfF]?(?![\w.])"),
    (Kind.NAME, r"[A-Za-z_$][A-Za-z0-9_]*"),
    (Kind.PUNCT, r"[()/,:=*]"),
)
# ASCII: OData's DIGIT and whitespace are ASCII, where Python's `\d` alone would read "١٢٣" as 123
_MASTER = re.compile("|".join(f"(?P<g{i}>{pattern})" for i, (_, pattern) in enumerate(_PATTERNS)), re.ASCII)


def tokenize(text: str) -> list[Token]:
    """All tokens of `text` followed by one END token; a stray character is a 400."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _MASTER.match(text, position)
        if match is None or match.lastgroup is None:
            what = "Unterminated string literal" if text[position] == "'" else "Invalid token"
            raise ODataError(400, f"{what} at position {position + 1} of the expression")
        kind = _PATTERNS[int(match.lastgroup[1:])][0]
        if kind is not None:
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token(Kind.END, "", len(text)))
    return tokens


def unquote(text: str) -> str:
    """The value of a quoted string token: outer quotes removed, doubled quotes undone."""
    return text[1:-1].replace("''", "'")


def split_outside(text: str, separator: str) -> list[str]:
    """Splits on `separator` where it is outside parentheses and quoted strings ($expand, $orderby lists)."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for position, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == separator:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]
