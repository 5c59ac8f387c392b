"""Binds an expression tree to an entity type and compiles it into Python closures.

Binding checks every property path and operand type once, so a bad filter is a
400 before any row is read; the closures then cost a few calls per row.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ODataError, Version
from .filter_ast import BoolOp, Call, Compare, Lambda, Literal, Node, Not, Path
from .filter_parser import parse_expression
from .model import Edm, EntityType, Navigation, Prop, Row

Env = dict[str, Row]
Getter = Callable[[Env], Any]
IT = "$it"

KINDS = {Edm.STRING: "string", Edm.BOOLEAN: "boolean", Edm.INT32: "number", Edm.DECIMAL: "number",
         Edm.DATE: "date", Edm.DATETIME: "datetime", Edm.DATETIMEOFFSET: "datetime"}
ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
STRING_FUNCTIONS: dict[str, tuple[int, str, Callable[..., Any]]] = {
    "contains": (2, "boolean", lambda text, part: part.casefold() in text.casefold()),
    "substringof": (2, "boolean", lambda part, text: part.casefold() in text.casefold()),
    "startswith": (2, "boolean", str.startswith),
    "endswith": (2, "boolean", str.endswith),
    "tolower": (1, "string", str.lower),
    "toupper": (1, "string", str.upper),
    "trim": (1, "string", str.strip),
    "length": (1, "number", len),
}


@dataclass(frozen=True, slots=True)
class Compiled:
    kind: str  # string number boolean date datetime null
    get: Getter


def compile_filter(node: Node, etype: EntityType) -> Callable[[Row], bool]:
    """A row predicate for a boolean expression over `etype`."""
    compiled = _Binder({IT: etype}).bind(node)
    if compiled.kind not in ("boolean", "null"):
        raise ODataError(400, "The $filter expression must be a boolean expression")
    env: Env = {}
    get = compiled.get

    def test(row: Row) -> bool:
        env[IT] = row
        return bool(get(env))

    return test


def compile_value(text: str, etype: EntityType, version: Version) -> Callable[[Row], Any]:
    """A row's value for one $orderby item (a property path or a string function of one)."""
    compiled = _Binder({IT: etype}).bind(parse_expression(text, version))
    env: Env = {}
    get = compiled.get

    def value(row: Row) -> Any:
        env[IT] = row
        return get(env)

    return value


class _Binder:
    def __init__(self, scope: dict[str, EntityType]) -> None:
        self.scope = scope

    def bind(self, node: Node) -> Compiled:
        match node:
            case Literal(value=value, kind=kind):
                return Compiled(kind, lambda env: value)
            case Path():
                return self.property(node)
            case Compare():
                return self.compare(node)
            case BoolOp(op=op, operands=operands):
                return _boolean_op(op, [self.boolean(o) for o in operands])
            case Not(operand=operand):
                get = self.boolean(operand)
                return Compiled("boolean", lambda env: not get(env))
            case Call():
                return self.call(node)
            case Lambda():
                return self.quantified(node)
        raise AssertionError(f"unknown node {node!r}")

    def boolean(self, node: Node) -> Getter:
        compiled = self.bind(node)
        if compiled.kind not in ("boolean", "null"):
            raise ODataError(400, "Operands of 'and', 'or' and 'not' must be boolean expressions")
        return compiled.get

    def resolve(self, path: Path) -> tuple[str, list[str], Prop | Navigation]:
        """(variable the path starts from, property chain, what its last step is)."""
        head, *rest = path.segments
        variable = head if head in self.scope and (rest or head == IT) else IT
        chain = rest if variable != IT or head == IT else list(path.segments)
        if not chain:
            raise ODataError(400, f"Path '{'/'.join(path.segments)}' does not name a property")
        etype = self.scope[variable]
        for index, name in enumerate(chain):
            step = etype.properties.get(name) or etype.navigations.get(name)
            if step is None:
                raise ODataError(400, f"Property '{name}' not found in type '{etype.name}'")
            if index == len(chain) - 1:
                return variable, chain, step
            if not isinstance(step, Navigation) or step.many:
                raise ODataError(400, f"'{name}' cannot be followed by '/' here")
            etype = step.target
        raise AssertionError("unreachable")

    def property(self, path: Path) -> Compiled:
        variable, chain, step = self.resolve(path)
        if isinstance(step, Navigation):
            raise ODataError(400, f"Navigation property '{chain[-1]}' cannot be used as a value")
        return Compiled(KINDS[step.edm], _walker(variable, chain))

    def compare(self, node: Compare) -> Compiled:
        left, right = self.bind(node.left), self.bind(node.right)
        if "null" not in (left.kind, right.kind) and left.kind != right.kind:
            raise ODataError(400, f"Incompatible types in comparison: {left.kind} {node.op} {right.kind}")
        lget, rget = left.get, right.get
        if node.op in ("eq", "ne"):
            want = node.op == "eq"
            if isinstance(node.right, Literal):
                constant = node.right.value
                return Compiled("boolean", lambda env: (lget(env) == constant) is want)
            return Compiled("boolean", lambda env: (lget(env) == rget(env)) is want)
        order = ORDERINGS[node.op]

        def ordered(env: Env) -> bool:
            a, b = lget(env), rget(env)
            return a is not None and b is not None and order(a, b)

        return Compiled("boolean", ordered)

    def call(self, node: Call) -> Compiled:
        arity, kind, function = STRING_FUNCTIONS[node.name]
        if len(node.args) != arity:
            raise ODataError(400, f"Function '{node.name}' takes {arity} argument(s)")
        args = [self.bind(a) for a in node.args]
        if any(a.kind not in ("string", "null") for a in args):
            raise ODataError(400, f"Function '{node.name}' takes string arguments")
        getters = [a.get for a in args]

        def apply(env: Env) -> Any:
            values = [g(env) for g in getters]
            return None if None in values else function(*values)

        return Compiled(kind, apply)

    def quantified(self, node: Lambda) -> Compiled:
        variable, chain, step = self.resolve(node.source)
        if not isinstance(step, Navigation) or not step.many:
            shown = "/".join(node.source.segments)
            raise ODataError(400, f"'{shown}' is not a collection navigation property")
        items = _walker(variable, chain)
        if node.variable is None or node.predicate is None:
            return Compiled("boolean", lambda env: bool(items(env)))
        name = node.variable
        predicate = _Binder({**self.scope, name: step.target}).boolean(node.predicate)
        quantifier = any if node.quantifier == "any" else all

        return Compiled("boolean", lambda env: quantifier(
            predicate({**env, name: item}) for item in items(env) or ()))


def _walker(variable: str, chain: list[str]) -> Getter:
    """Reads a property chain from the row bound to `variable`; a missing related row yields None."""
    if len(chain) == 1:
        name = chain[0]
        return lambda env: env[variable][name]

    def walk(env: Env) -> Any:
        value: Any = env[variable]
        for name in chain:
            if value is None:
                return None
            value = value[name]
        return value

    return walk


def _boolean_op(op: str, getters: list[Getter]) -> Compiled:
    if op == "and":
        return Compiled("boolean", lambda env: all(g(env) for g in getters))
    return Compiled("boolean", lambda env: any(g(env) for g in getters))
