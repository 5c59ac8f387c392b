"""$select and $expand: which properties an entity is rendered with and which related rows come inline.

v4 nests options in parentheses (`_ProductDescription($select=…;$filter=…)`);
v2 uses paths (`$expand=to_X`, `$select=A,to_X/B`) and lists unexpanded
navigation properties as deferred links.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ODataError, Version
from .filter_compile import compile_filter
from .filter_parser import parse_expression
from .lexer import split_outside
from .model import EntityType, Navigation, Row
from .ordering import Ordering, parse_orderby

NESTED_OPTIONS = frozenset({"$select", "$filter", "$orderby", "$expand"})


@dataclass(frozen=True)
class Expansion:
    shape: "Shape"
    keep: Callable[[Row], bool] | None = None
    ordering: Ordering = ()


@dataclass(frozen=True)
class Shape:
    etype: EntityType
    properties: tuple[str, ...]
    expanded: dict[str, Expansion] = field(default_factory=dict)
    deferred: tuple[str, ...] = ()  # v2: navigation properties sent as links


def build_shape(etype: EntityType, version: Version, select: str | None, expand: str | None) -> Shape:
    if version is Version.V4:
        return _v4_shape(etype, select, expand)
    paths = None if select is None else [p.split("/") for p in split_outside(select, ",")]
    return _v2_shape(etype, paths, _v2_tree(etype, expand or ""))


def _selected(etype: EntityType, names: list[str] | None) -> tuple[str, ...]:
    """Selected primitive properties in declaration order; `*` or no $select means all."""
    if names is None or "*" in names:
        return tuple(etype.properties)
    for name in names:
        if name not in etype.properties and name not in etype.navigations:
            raise ODataError(400, f"Property '{name}' not found in type '{etype.name}'")
    return tuple(p for p in etype.properties if p in names)


def _navigation(etype: EntityType, name: str) -> Navigation:
    nav = etype.navigations.get(name)
    if nav is None:
        raise ODataError(400, f"Navigation property '{name}' not found in type '{etype.name}'")
    return nav


def _v4_shape(etype: EntityType, select: str | None, expand: str | None) -> Shape:
    names = None if select is None else split_outside(select, ",")
    if names is not None and any("/" in n for n in names):
        raise ODataError(400, "Paths in $select are not supported; use nested $select in $expand")
    expanded: dict[str, Expansion] = {}
    for item in split_outside(expand, ",") if expand else ():
        name, _, options = item.partition("(")
        targets = list(etype.navigations) if name == "*" else [name.strip()]
        for target in targets:
            nav = _navigation(etype, target)
            expanded[target] = _v4_expansion(nav.target, options.removesuffix(")") if options else "")
    return Shape(etype, _selected(etype, names), expanded)


def _v4_expansion(etype: EntityType, options: str) -> Expansion:
    found: dict[str, str] = {}
    for option in split_outside(options, ";") if options else ():
        name, equals, value = option.partition("=")
        if not equals or name not in NESTED_OPTIONS:
            raise ODataError(400, f"Option '{name}' is not supported inside $expand")
        found[name] = value
    text = found.get("$filter")
    keep = None if text is None else compile_filter(parse_expression(text, Version.V4), etype)
    ordering = parse_orderby(found["$orderby"], etype, Version.V4) if "$orderby" in found else ()
    return Expansion(_v4_shape(etype, found.get("$select"), found.get("$expand")), keep, ordering)


Tree = dict[str, "Tree"]


def _v2_tree(etype: EntityType, expand: str) -> Tree:
    """`to_A,to_A/to_B` as a tree of navigation names, each checked against its type."""
    tree: Tree = {}
    for item in split_outside(expand, ",") if expand else ():
        node, owner = tree, etype
        for name in item.split("/"):
            owner = _navigation(owner, name).target
            node = node.setdefault(name, {})
    return tree


def _v2_shape(etype: EntityType, paths: list[list[str]] | None, tree: Tree) -> Shape:
    heads = None if paths is None else [p[0] for p in paths]
    expanded: dict[str, Expansion] = {}
    deferred: list[str] = []
    for name, nav in etype.navigations.items():
        if heads is not None and name not in heads and "*" not in heads:
            continue
        if name not in tree:
            deferred.append(name)
            continue
        nested = None if paths is None else [p[1:] for p in paths if p[0] == name]
        whole = nested is None or any(not rest for rest in nested)
        expanded[name] = Expansion(_v2_shape(nav.target, None if whole else nested, tree[name]))
    return Shape(etype, _selected(etype, heads), expanded, tuple(deferred))
