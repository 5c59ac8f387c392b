"""A recursive-descent parser for OData $filter expressions and key predicates, v2 and v4 dialects.

Precedence follows the OData ABNF: `not` binds to its operand, then comparisons,
then `and`, then `or`. Nesting is capped so a hostile filter is a 400, not a crash.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from itertools import takewhile
from typing import Any, NoReturn

from .errors import ODataError, Version
from .filter_ast import BoolOp, Call, Compare, Lambda, Literal, Node, Not, Path
from .lexer import Kind, Token, tokenize, unquote

COMPARISONS = frozenset({"eq", "ne", "gt", "ge", "lt", "le"})
ARITHMETIC = frozenset({"add", "sub", "mul", "div", "mod"})
FUNCTIONS = {
    Version.V4: frozenset({"contains", "startswith", "endswith", "tolower", "toupper", "length", "trim"}),
    Version.V2: frozenset({"substringof", "startswith", "endswith", "tolower", "toupper", "length", "trim"}),
}
MAX_DEPTH = 32
SHOWN_CHARS = 120
# The ABNF's int64Value has at most 19 digits; a longer integer literal is a decimalValue
_INT64 = re.compile(r"-?[0-9]{1,19}")


def parse_expression(text: str, version: Version) -> Node:
    """Parses a whole boolean or value expression; anything left over is a syntax error."""
    parser = _Parser(text, version)
    node = parser.expression()
    parser.expect_end()
    return node


def parse_key(text: str, version: Version) -> list[tuple[str | None, Literal]]:
    """Parses the inside of `EntitySet(...)`: one bare literal or `Name=literal` pairs."""
    parser = _Parser(text, version)
    pairs = parser.key_pairs()
    parser.expect_end()
    return pairs


class _Parser:
    def __init__(self, text: str, version: Version) -> None:
        self.text = text
        self.version = version
        self.tokens = tokenize(text)
        self.at = 0
        self.depth = 0

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.at += 1
        return token

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token.kind is Kind.NAME and token.text in words

    def is_punct(self, char: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind is Kind.PUNCT and token.text == char

    def expect_punct(self, char: str) -> None:
        if not self.is_punct(char):
            self.fail(f"expected '{char}'")
        self.advance()

    def expect_end(self) -> None:
        if self.peek().kind is not Kind.END:
            self.fail("unexpected token")

    def fail(self, why: str) -> NoReturn:
        token = self.peek()
        shown = token.text or "end of expression"
        text = self.text if len(self.text) <= SHOWN_CHARS else self.text[:SHOWN_CHARS] + "…"
        raise ODataError(400, f"Syntax error in expression '{text}' at position {token.position + 1} "
                              f"('{shown}'): {why}")

    def expression(self) -> Node:
        self.enter()
        node = self.boolean("or", self.conjunction)
        self.depth -= 1
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"expression nested deeper than {MAX_DEPTH} levels")

    def conjunction(self) -> Node:
        return self.boolean("and", self.comparison)

    def boolean(self, op: str, operand: Callable[[], Node]) -> Node:
        operands: list[Node] = [operand()]
        while self.is_word(op):
            self.advance()
            operands.append(operand())
        if len(operands) == 1:
            return operands[0]
        flat: list[Node] = []
        for node in operands:
            flat.extend(node.operands if isinstance(node, BoolOp) and node.op == op else (node,))
        return BoolOp(op, tuple(flat))

    def comparison(self) -> Node:
        left = self.unary()
        while self.is_word(*COMPARISONS):
            op = self.advance().text
            left = Compare(op, left, self.unary())
        if self.is_word(*ARITHMETIC):
            self.fail("arithmetic operators are not supported")
        return left

    def unary(self) -> Node:
        if not self.is_word("not"):
            return self.primary()
        self.advance()
        self.enter()
        node = Not(self.unary())
        self.depth -= 1
        return node

    def primary(self) -> Node:
        token = self.peek()
        if token.kind is Kind.PUNCT and token.text == "(":
            self.advance()
            node = self.expression()
            self.expect_punct(")")
            return node
        if token.kind is Kind.NAME and token.text not in ("true", "false", "null"):
            return self.call() if self.is_punct("(", 1) else self.path()
        return self.literal()

    def literal(self) -> Literal:
        token = self.advance()
        match token.kind:
            case Kind.STRING:
                return Literal(unquote(token.text), "string")
            case Kind.NUMBER:
                return Literal(self.number(token), "number")
            case Kind.NAME if token.text in ("true", "false"):
                return Literal(token.text == "true", "boolean")
            case Kind.NAME if token.text == "null":
                return Literal(None, "null")
            case Kind.DATE if self.version is Version.V4:
                return Literal(self.convert(date.fromisoformat, token.text), "date")
            case Kind.DATETIME if self.version is Version.V4:
                return Literal(self.convert(_instant, token.text), "datetime")
            case Kind.TYPED if self.version is Version.V2:
                return self.typed(token)
        self.at -= 1
        self.fail("expected a literal, a property or a function")

    def number(self, token: Token) -> int | Decimal:
        text = token.text
        if text[-1] in "mMlLdDfF":
            if self.version is Version.V4:
                self.at -= 1
                self.fail("type suffixes on numbers are OData V2 only")
            text = text[:-1]
        if _INT64.fullmatch(text):
            return int(text)
        try:
            return Decimal(text)
        except InvalidOperation:
            self.at -= 1
            self.fail("invalid number")

    def typed(self, token: Token) -> Literal:
        prefix, _, quoted = token.text.partition("'")
        body = quoted[:-1]
        if prefix in ("datetime", "datetimeoffset"):
            return Literal(self.convert(_instant, body), "datetime")
        if prefix == "guid":
            return Literal(body, "string")
        self.at -= 1
        self.fail(f"literals of type {prefix} are not supported")

    def convert(self, parse: Any, text: str) -> Any:
        try:
            return parse(text)
        except ValueError:
            self.at -= 1
            self.fail(f"invalid date or time '{text}'")

    def call(self) -> Node:
        name = self.advance().text
        if name not in FUNCTIONS[self.version]:
            self.at -= 1
            self.fail(f"unknown function '{name}' in OData V{self.version.value[0]}")
        self.advance()
        args: list[Node] = []
        if not self.is_punct(")"):
            args.append(self.expression())
            while self.is_punct(","):
                self.advance()
                args.append(self.expression())
        self.expect_punct(")")
        return Call(name, tuple(args))

    def path(self) -> Node:
        segments = [self.advance().text]
        while self.is_punct("/"):
            self.advance()
            if self.peek().kind is not Kind.NAME:
                self.fail("expected a property name after '/'")
            if self.is_word("any", "all") and self.is_punct("(", 1):
                return self.lambda_(Path(tuple(segments)))
            segments.append(self.advance().text)
        return Path(tuple(segments))

    def lambda_(self, source: Path) -> Node:
        if self.version is Version.V2:
            self.fail("lambda operators are OData V4 only")
        quantifier = self.advance().text
        self.advance()
        if quantifier == "any" and self.is_punct(")"):
            self.advance()
            return Lambda(source, quantifier, None, None)
        variable = self.advance()
        if variable.kind is not Kind.NAME:
            self.at -= 1
            self.fail("expected a lambda variable")
        self.expect_punct(":")
        predicate = self.expression()
        self.expect_punct(")")
        return Lambda(source, quantifier, variable.text, predicate)

    def key_pairs(self) -> list[tuple[str | None, Literal]]:
        if not (self.peek().kind is Kind.NAME and self.is_punct("=", 1)):
            return [(None, self.literal())]
        pairs: list[tuple[str | None, Literal]] = []
        while True:
            name = self.advance().text
            self.expect_punct("=")
            pairs.append((name, self.literal()))
            if not self.is_punct(","):
                return pairs
            self.advance()


def _instant(text: str) -> datetime:
    """An ISO instant; without an offset it is UTC (v2 `datetime'…'` carries none)."""
    head, dot, fraction = text.partition(".")
    if dot:
        digits = "".join(takewhile(str.isdigit, fraction))
        text = f"{head}.{digits[:6]}{fraction[len(digits):]}"
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
