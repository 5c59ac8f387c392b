"""A parser for the SOQL subset the gateway sends (see the sheet), with Salesforce's error wording.

`SELECT f[, f…] FROM Obj [WHERE c [AND c…]] [ORDER BY f [ASC|DESC]] [LIMIT n] [OFFSET m]`,
`c` = `f = literal` | `f IN (literal, …)`. Names are checked later, against the schema.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

MAX_STATEMENT = 100_000
MAX_LITERAL = 4_000
MAX_OFFSET = 2_000
MAX_NUMBER_DIGITS = 308  # ours (unverified): a literal must be a finite double, as Salesforce numbers are
KEYWORDS = frozenset({"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "ORDER", "BY", "ASC", "DESC", "LIMIT",
                      "OFFSET", "NULL", "TRUE", "FALSE", "LIKE", "GROUP", "HAVING", "NULLS", "INCLUDES", "EXCLUDES"})
ESCAPES = {"n": "\n", "N": "\n", "r": "\r", "R": "\r", "t": "\t", "T": "\t", "b": "\b", "B": "\b", "f": "\f",
           "F": "\f", '"': '"', "'": "'", "\\": "\\", "_": "\\_", "%": "\\%"}
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>[+-]?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<punct>!=|<>|<=|>=|[,()=<>*:;])
""", re.VERBOSE | re.ASCII)  # ASCII: `\d` alone would also read "١٢٣" as a number

LiteralValue = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Token:
    kind: str  # ident, string, number, date, datetime, punct, eof
    text: str
    pos: int
    value: LiteralValue = None

    def keyword(self, word: str) -> bool:
        return self.kind == "ident" and self.text.upper() == word


@dataclass(frozen=True)
class Name:
    text: str
    pos: int


@dataclass(frozen=True)
class Literal:
    kind: str  # string, number, boolean, null, date, datetime
    value: LiteralValue
    pos: int


@dataclass(frozen=True)
class Condition:
    field: Name
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Order:
    field: Name
    descending: bool


@dataclass(frozen=True)
class Query:
    text: str
    fields: tuple[Name, ...]
    sobject: Name
    where: tuple[Condition, ...]
    order: Order | None
    limit: int | None
    offset: int


class SoqlError(Exception):
    """A refused statement; `pos` (an offset into it) adds Salesforce's Row/Column pointer."""

    def __init__(self, code: str, detail: str, pos: int | None = None) -> None:
        super().__init__(detail)
        self.code, self.detail, self.pos = code, detail, pos

    def message(self, text: str) -> str:
        if self.pos is None:
            return self.detail
        row = text.count("\n", 0, self.pos) + 1
        start = text.rfind("\n", 0, self.pos) + 1
        end = text.find("\n", self.pos)
        line = text[start:] if end < 0 else text[start:end]
        column = self.pos - start + 1
        left = max(0, column - 1 - 60)
        window = line[left:column - 1 + 60]
        return f"\n{window}\n{' ' * (column - 1 - left)}^\nERROR at Row:{row}:Column:{column}\n{self.detail}"


def unexpected(token: Token) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", f"unexpected token: {token.text}", token.pos)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos] == "'":
            token = _string(text, pos)
        else:
            match = _TOKEN.match(text, pos)
            if match is None:
                raise unexpected(Token("punct", text[pos], pos))
            token = _token(match)
        pos += len(token.text)
        if token.kind != "space":
            tokens.append(token)
    tokens.append(Token("eof", "<EOF>", len(text)))
    return tokens


def _token(match: re.Match[str]) -> Token:
    kind, text = match.lastgroup or "", match.group()
    if kind == "number":
        if len(text.lstrip("+-").partition(".")[0]) > MAX_NUMBER_DIGITS:
            raise SoqlError("MALFORMED_QUERY", f"number out of range: {text[:20]}...", match.start())
        return Token(kind, text, match.start(), float(text) if "." in text else int(text))
    try:
        if kind == "date":
            return Token(kind, text, match.start(), date.fromisoformat(text))
        if kind == "datetime":
            return Token(kind, text, match.start(), datetime.fromisoformat(text))
    except ValueError:
        raise unexpected(Token(kind, text, match.start())) from None
    return Token(kind, text, match.start())


def _string(text: str, start: int) -> Token:
    chars: list[str] = []
    pos = start + 1
    while pos < len(text) and text[pos] != "'":
        if text[pos] == "\\":
            escape = text[pos + 1:pos + 2]
            if escape not in ESCAPES:
                raise SoqlError("MALFORMED_QUERY", f"Invalid string literal '{text[start + 1:pos + 2]}'. Illegal "
                                f"character sequence '\\{escape}' in string literal.", pos)
            chars.append(ESCAPES[escape])
            pos += 2
        else:
            chars.append(text[pos])
            pos += 1
    if pos >= len(text):
        raise SoqlError("MALFORMED_QUERY", "mismatched character '<EOF>' expecting '''", pos)
    value = "".join(chars)
    if len(value) > MAX_LITERAL:
        raise SoqlError("MALFORMED_QUERY", f"String literal too long: {len(value)} characters (max {MAX_LITERAL})",
                        start)
    return Token("string", text[start:pos + 1], start, value)


def parse(text: str) -> Query:
    """Parses one statement; raises SoqlError with Salesforce's error code and message."""
    if len(text) > MAX_STATEMENT:
        raise SoqlError("MALFORMED_QUERY", f"SOQL statements cannot be longer than {MAX_STATEMENT} characters")
    return _Parser(tokenize(text)).query(text)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.at = tokens, 0

    def _next(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1 if token.kind != "eof" else 0
        return token

    def _peek(self) -> Token:
        return self.tokens[self.at]

    def _accept(self, word: str) -> bool:
        token = self._peek()
        if token.keyword(word) or (token.kind == "punct" and token.text == word):
            self._next()
            return True
        return False

    def _expect(self, word: str) -> None:
        if not self._accept(word):
            raise unexpected(self._peek())

    def _name(self) -> Name:
        token = self._next()
        if token.kind != "ident" or token.text.upper() in KEYWORDS:
            raise unexpected(token)
        return Name(token.text, token.pos)

    def query(self, text: str) -> Query:
        self._expect("SELECT")
        fields = [self._name()]
        while self._accept(","):
            fields.append(self._name())
        self._expect("FROM")
        sobject = self._name()
        where = self._where() if self._accept("WHERE") else ()
        order = self._order() if self._accept("ORDER") else None
        limit = self._integer() if self._accept("LIMIT") else None
        offset = self._offset() if self._accept("OFFSET") else 0
        if self._peek().kind != "eof":
            raise unexpected(self._peek())
        return Query(text, tuple(fields), sobject, where, order, limit, offset)

    def _where(self) -> tuple[Condition, ...]:
        conditions = [self._condition()]
        while self._accept("AND"):
            conditions.append(self._condition())
        return tuple(conditions)

    def _condition(self) -> Condition:
        field = self._name()
        if self._accept("="):
            return Condition(field, (self._literal(),))
        self._expect("IN")
        self._expect("(")
        values = [self._literal()]
        while self._accept(","):
            values.append(self._literal())
        self._expect(")")
        return Condition(field, tuple(values))

    def _literal(self) -> Literal:
        token = self._next()
        if token.kind in ("string", "number", "date", "datetime"):
            return Literal(token.kind, token.value, token.pos)
        words: dict[str, LiteralValue] = {"TRUE": True, "FALSE": False, "NULL": None}
        word = token.text.upper() if token.kind == "ident" else ""
        if word in words:
            return Literal("null" if word == "NULL" else "boolean", words[word], token.pos)
        raise unexpected(token)

    def _order(self) -> Order:
        self._expect("BY")
        field = self._name()
        descending = self._accept("DESC")
        if not descending:
            self._accept("ASC")
        return Order(field, descending)

    def _integer(self) -> int:
        token = self._next()
        if token.kind != "number" or not isinstance(token.value, int) or token.value < 0:
            raise unexpected(token)
        return token.value

    def _offset(self) -> int:
        token = self._peek()
        offset = self._integer()
        if offset > MAX_OFFSET:
            raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}", token.pos)
        return offset
