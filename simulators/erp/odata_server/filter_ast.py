"""The syntax tree of an OData expression, free of any entity type (binding comes later)."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any  # str, bool, int, Decimal, date, aware datetime or None
    kind: str  # "string", "number", "boolean", "date", "datetime", "null"


@dataclass(frozen=True, slots=True)
class Path:
    segments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # eq ne gt ge lt le
    left: "Node"
    right: "Node"


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # and, or
    operands: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Not:
    operand: "Node"


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Lambda:
    """`nav/any(v:predicate)` or `nav/all(v:predicate)`; `any()` without a predicate tests non-emptiness."""

    source: Path
    quantifier: str  # any, all
    variable: str | None
    predicate: "Node | None"


Node = Literal | Path | Compare | BoolOp | Not | Call | Lambda


def count_comparisons(node: Node) -> int:
    """How many comparison terms an expression holds (the simulator caps them per $filter)."""
    match node:
        case Compare(left=left, right=right):
            return 1 + count_comparisons(left) + count_comparisons(right)
        case BoolOp(operands=operands):
            return sum(count_comparisons(o) for o in operands)
        case Not(operand=operand):
            return count_comparisons(operand)
        case Call(args=args):
            return sum(count_comparisons(a) for a in args)
        case Lambda(predicate=predicate):
            return 0 if predicate is None else count_comparisons(predicate)
    return 0


def key_values(node: Node, prop: str) -> frozenset[Any] | None:
    """The values `prop` must equal for `node` to hold, when the filter pins it (`P eq 'a' or P eq 'b'`).

    None when the filter does not pin it; the caller then scans every row.
    """
    match node:
        case Compare(op="eq", left=Path(segments=(name,)), right=Literal(value=value)) if name == prop:
            return frozenset((value,))
        case Compare(op="eq", left=Literal(value=value), right=Path(segments=(name,))) if name == prop:
            return frozenset((value,))
        case BoolOp(op="or", operands=operands):
            sets = [key_values(o, prop) for o in operands]
            known = [s for s in sets if s is not None]
            return frozenset[Any]().union(*known) if len(known) == len(sets) else None
        case BoolOp(op="and", operands=operands):
            pinned = [s for s in (key_values(o, prop) for o in operands) if s is not None]
            return frozenset.intersection(*pinned) if pinned else None
    return None
