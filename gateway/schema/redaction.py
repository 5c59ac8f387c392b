"""Request-error messages for production: they name only what the request itself sent.

graphql-core's validation and coercion messages map the schema for whoever probes it: a field's
type ("Field 'me' of type 'Customer' must have a selection of subfields"), an input's required
fields, the parent type of an unknown field, suggestions. With introspection off, those messages
would hand the schema out piece by piece. Rather than rewording each of graphql-core's templates
(which change between releases), every quoted name and every schema type name in a message is
kept only when the request sent it (a name in the document, a key or string in the variables);
anything else becomes `'…'`. Built-in scalars are public knowledge and stay.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import GraphQLSchema, Lexer, Source, TokenKind
from graphql.error import GraphQLSyntaxError

HIDDEN = "…"
BUILT_IN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
_QUOTED = re.compile(r"'([^']*)'")
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_SUGGESTION = re.compile(r" Did you mean .*\?$")


def schema_type_names(schema: GraphQLSchema) -> frozenset[str]:
    """The names a message could leak unquoted: every type but introspection's and the built-in scalars."""
    return frozenset(n for n in schema.type_map if not n.startswith("__")) - BUILT_IN_SCALARS


def sent_names(document: str, variables: Mapping[str, Any] | None) -> frozenset[str]:
    """The names in the document (not in its comments or strings) and in the variables' keys and strings."""
    return frozenset(_document_names(document)) | frozenset(_value_names(variables or {}))


def redact(message: str, sent: frozenset[str], type_names: frozenset[str]) -> str:
    """The message without suggestions, with each name the request did not send replaced by `…`."""
    def quoted(match: re.Match[str]) -> str:
        names = _NAME.findall(match.group(1))
        return match.group(0) if all(n in sent or n in BUILT_IN_SCALARS for n in names) else f"'{HIDDEN}'"

    def bare(match: re.Match[str]) -> str:
        name = match.group(0)
        return HIDDEN if name in type_names and name not in sent else name

    kept = _QUOTED.sub(quoted, _SUGGESTION.sub("", message))
    parts = re.split(r"('[^']*')", kept)  # quoted parts are settled; check type names in the rest
    return "".join(p if p.startswith("'") else _NAME.sub(bare, p) for p in parts)


def _document_names(document: str) -> Iterable[str]:
    lexer = Lexer(Source(document))
    try:
        token = lexer.advance()
        while token.kind is not TokenKind.EOF:
            if token.kind is TokenKind.NAME and token.value:
                yield token.value
            token = lexer.advance()
    except GraphQLSyntaxError:
        return  # what was read so far was sent; the rest does not lex


def _value_names(value: Any) -> Iterable[str]:
    """Walked on an explicit stack: variables may nest as deep as the JSON parser allowed."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield from _NAME.findall(item)
        elif isinstance(item, Mapping):
            stack.extend(str(key) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
