"""Operation limits, checked on the parsed document before it is validated or run.

Parsing stops at a token budget. Then one walk over the chosen operation measures its depth,
aliases, directives and cost. A field costs 1, plus what its arguments make it read from the back
offices (the registry in `gateway/cost.py`), plus its selection's cost times the size of the list it
returns. Strawberry's depth and alias limiters re-walk a fragment at every spread, which takes
exponential time on nested spreads. Here each fragment is measured once per context and memoised.
The walk runs on an explicit stack, so a document nested hundreds deep (through fields or a chain of
fragments) cannot hit Python's recursion limit.
Introspection (`__schema`, `__type`) is answered from memory and switched off in production, so
each counts as one leaf: walked, the standard introspection query is 15 deep and costs about 49,000.
Its nesting is for graphql's MaxIntrospectionDepthRule to bound, at validation.
The walk never raises on an invalid document: unknown fields cost 1, unknown fragments and
fragment cycles count nothing, and graphql's validation reports them afterwards.
"""

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeAlias, cast

from graphql import (
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NamedTypeNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_list_type,
    parse,
)
from graphql.type.introspection import TypeNameMetaFieldDef

from .cost import READS, Estate
from .errors import ErrorCode, coded

DEFAULT_LIST_SIZE = 10  # what a list without a size argument is assumed to hold
_MAX_SIZE = 2**31 - 1  # sizes beyond GraphQL's Int are invalid anyway; clamping keeps the arithmetic small
_MAX_COST = 2**53  # saturate: an absurd document still reports a number that JSON and JavaScript can hold
# graphql-core raises a plain syntax error at the token limit: its text is the only way to tell (a test pins it).
_TOKEN_LIMIT_MESSAGE = "Syntax Error: Document contains more than {} tokens. Parsing aborted."
_INTROSPECTION = ("__schema", "__type")
_VALUE_NESTING = 4  # deeper than any argument of the schema; bounds the recursion of an invalid document's values
_LABELS = {"depth": "query depth", "aliases": "alias count", "directives": "directive count", "cost": "query cost"}


@dataclass(frozen=True)
class OperationLimits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_directives: int = 50
    max_cost: int = 20000


@dataclass(frozen=True)
class Measure:
    """What one operation asks for, with fragments inlined (an upper bound: graphql merges repeated fields).

    Depth counts fields: `{ me { id } }` is 2 deep.
    """

    depth: int
    aliases: int
    directives: int
    cost: int


_ZERO = Measure(0, 0, 0, 0)

# A walk step yields the sub-walks it needs and is sent back their measures (see `_drive`).
Walk: TypeAlias = Generator["Walk", Measure, Measure]


def parse_operation(query: str, limits: OperationLimits) -> DocumentNode:
    """Parses under the token budget, so a huge document is refused before it costs memory.

    Errors carry a code, so clients can tell a refused document from a malformed one.
    """
    try:
        return parse(query, no_location=False, max_tokens=limits.max_tokens)
    except GraphQLError as error:
        if error.message == _TOKEN_LIMIT_MESSAGE.format(limits.max_tokens):
            message = f"query token count exceeds the limit of {limits.max_tokens}"
            extensions = coded(ErrorCode.OPERATION_LIMIT_EXCEEDED, limit="tokens", max=limits.max_tokens)
            raise GraphQLError(message, source=error.source, positions=error.positions,
                               extensions=extensions) from None
        raise GraphQLError(error.message, source=error.source, positions=error.positions,
                           extensions=coded(ErrorCode.GRAPHQL_PARSE_FAILED)) from None


def measure(document: DocumentNode, schema: GraphQLSchema, operation_name: str | None,
            variables: Mapping[str, Any], estate: Estate) -> Measure:
    """Measures the operation graphql would run; all zero when there is none (validation says why)."""
    return Measurer(document, schema, operation_name, variables, estate).measure()


def check(measure: Measure, limits: OperationLimits) -> list[GraphQLError]:
    """One error per limit exceeded, so a client learns every bound it broke at once."""
    pairs = (("depth", measure.depth, limits.max_depth), ("aliases", measure.aliases, limits.max_aliases),
             ("directives", measure.directives, limits.max_directives), ("cost", measure.cost, limits.max_cost))
    return [_limit_error(limit, value, maximum) for limit, value, maximum in pairs if value > maximum]


def _limit_error(limit: str, value: int, maximum: int) -> GraphQLError:
    extensions = coded(ErrorCode.OPERATION_LIMIT_EXCEEDED, limit=limit, value=value, max=maximum)
    return GraphQLError(f"{_LABELS[limit]} {value} exceeds the limit of {maximum}", extensions=extensions)


class Measurer:
    """Measures one operation of one document under one set of variables, which the memoised fragment
    measures depend on.

    `visits` counts the selections walked, so tests can pin the walk to the size of the document
    rather than to the size of its inlined form.
    """

    def __init__(self, document: DocumentNode, schema: GraphQLSchema, operation_name: str | None,
                 variables: Mapping[str, Any], estate: Estate) -> None:
        self.visits = 0
        self._schema = schema
        self._estate = estate
        self._operation = get_operation_ast(document, operation_name)
        self._fragments = {definition.name.value: definition for definition in document.definitions
                           if isinstance(definition, FragmentDefinitionNode)}
        self._variables = {**_variable_defaults(self._operation), **variables}
        self._memo: dict[tuple[str, bool], Measure] = {}
        self._entered: set[str] = set()

    def measure(self) -> Measure:
        operation = self._operation
        if operation is None:
            return _ZERO
        root = self._schema.get_root_type(operation.operation)
        inner = _drive(self._selection_set(operation.selection_set, root, False))
        own = _count(operation.directives) + sum([_count(v.directives) for v in operation.variable_definitions or ()])
        return replace(inner, directives=inner.directives + own)

    def _selection_set(self, node: SelectionSetNode | None, parent: GraphQLNamedType | None, pending: bool) -> Walk:
        """`pending`: an ancestor set a size (`first:` on a connection) that no list below it has used yet."""
        total = _ZERO
        for selection in node.selections if node else ():
            self.visits += 1
            total = _beside(total, (yield self._selection(selection, parent, pending)))
        return total

    def _selection(self, node: SelectionNode, parent: GraphQLNamedType | None, pending: bool) -> Walk:
        if isinstance(node, FieldNode):
            return self._field(node, parent, pending)
        if isinstance(node, InlineFragmentNode):
            return self._inline_fragment(node, parent, pending)
        return self._spread(cast(FragmentSpreadNode, node), pending)  # the only other kind of selection

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None, pending: bool) -> Walk:
        """`__schema` and `__type` count as one leaf each: see the module docstring."""
        if node.name.value in _INTROSPECTION:
            return Measure(1, int(node.alias is not None), _count(node.directives), 1)
        definition = self._field_definition(parent, node.name.value)
        if definition is None:
            multiplier, child_type, child_pending, reads = 1, None, pending, 0
        else:
            multiplier, child_pending = self._multiplier(node, definition, pending)
            child_type = get_named_type(definition.type)
            reads = self._reads(node, definition, parent)
        inner = yield self._selection_set(node.selection_set, child_type, child_pending)
        return Measure(depth=inner.depth + 1, aliases=inner.aliases + (node.alias is not None),
                       directives=inner.directives + _count(node.directives),
                       cost=min(1 + reads + multiplier * inner.cost, _MAX_COST))

    def _inline_fragment(self, node: InlineFragmentNode, parent: GraphQLNamedType | None, pending: bool) -> Walk:
        on = self._type(node.type_condition) if node.type_condition else parent
        inner = yield self._selection_set(node.selection_set, on, pending)
        return replace(inner, directives=inner.directives + _count(node.directives))

    def _spread(self, node: FragmentSpreadNode, pending: bool) -> Walk:
        """Measures each fragment once per `pending` value; a spread inside its own fragment counts nothing."""
        name = node.name.value
        fragment = self._fragments.get(name)
        if fragment is None or name in self._entered:
            return replace(_ZERO, directives=_count(node.directives))
        if (name, pending) not in self._memo:
            self._entered.add(name)
            inner = yield self._selection_set(fragment.selection_set, self._type(fragment.type_condition), pending)
            self._entered.discard(name)
            self._memo[name, pending] = replace(inner, directives=inner.directives + _count(fragment.directives))
        fragment_measure = self._memo[name, pending]
        return replace(fragment_measure, directives=fragment_measure.directives + _count(node.directives))

    def _reads(self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType | None) -> int:
        """What the field reads from the back offices beyond its result, as the one registry estimates it."""
        estimate = READS.get(f"{parent.name if parent else ''}.{node.name.value}")
        return min(estimate(self._arguments(node, definition), self._estate), _MAX_COST) if estimate else 0

    def _arguments(self, node: FieldNode, definition: GraphQLField) -> dict[str, object]:
        """The arguments as the resolver will get them: variables substituted, those left out at their defaults."""
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        return {name: _with_defaults(self._argument(given.get(name), argument.default_value), argument.type)
                for name, argument in definition.args.items()}

    def _multiplier(self, node: FieldNode, definition: GraphQLField, pending: bool) -> tuple[int, bool]:
        """How many times the field's subtree runs, and whether a size is still pending below it.

        A size applies to the first list at or below the field that set it: the field itself when it
        returns a list, else its connection's `edges` or `nodes`. Deeper lists count DEFAULT_LIST_SIZE again.
        """
        size = self._size(node, definition)
        returns_list = is_list_type(get_nullable_type(definition.type))
        if size is not None:
            return size, not returns_list
        if returns_list:
            return (1 if pending else DEFAULT_LIST_SIZE), False
        return 1, pending

    def _size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The size the arguments set: `first`, else the longest list argument given; None when they set none."""
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        if "first" in definition.args:
            first = self._argument(given.get("first"), definition.args["first"].default_value)
            return _clamp(first) if isinstance(first, int) and not isinstance(first, bool) else DEFAULT_LIST_SIZE
        lengths = [_length(value) for name, argument in definition.args.items()
                   if is_list_type(get_nullable_type(argument.type))
                   and (value := self._argument(given.get(name), argument.default_value)) is not None]
        return _clamp(max(lengths)) if lengths else None

    def _argument(self, node: ValueNode | None, default: Any) -> object:
        """The argument's value; None when absent or null."""
        fallback = _default(default)
        if node is None:
            return fallback
        if isinstance(node, VariableNode):
            return self._variables.get(node.name.value, fallback)
        return _value(node, self._variables)

    def _field_definition(self, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        if name == "__typename":
            return TypeNameMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            field: GraphQLField | None = parent.fields.get(name)
            return field
        return None

    def _type(self, node: NamedTypeNode) -> GraphQLNamedType | None:
        return self._schema.get_type(node.name.value)


def _drive(root: Walk) -> Measure:
    """Runs a walk and its sub-walks on an explicit stack instead of Python's call stack."""
    stack = [root]
    result: Measure | None = None
    while True:
        try:
            child = next(stack[-1]) if result is None else stack[-1].send(result)
        except StopIteration as done:
            stack.pop()
            result = done.value
            if not stack:
                return result
            continue
        stack.append(child)
        result = None


def _variable_defaults(operation: OperationDefinitionNode | None) -> dict[str, object]:
    """Defaults from the operation's variable definitions; values the client sends override them."""
    if operation is None:
        return {}
    return {definition.variable.name.value: _value(definition.default_value, {})
            for definition in operation.variable_definitions or () if definition.default_value is not None}


def _value(node: ValueNode, variables: Mapping[str, object], nesting: int = 0) -> object:
    """A value node as Python, variables substituted; never raises, as the document is not validated yet."""
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        # Python refuses to convert thousands of digits; anything past 11 characters is out of Int's range.
        return int(node.value) if len(node.value) <= 11 else (0 if node.value.startswith("-") else _MAX_SIZE)
    if isinstance(node, FloatValueNode):
        return float(node.value)
    if isinstance(node, StringValueNode | BooleanValueNode | EnumValueNode):
        return node.value
    if isinstance(node, ListValueNode) and nesting < _VALUE_NESTING:
        return [_value(item, variables, nesting + 1) for item in node.values]
    if isinstance(node, ObjectValueNode) and nesting < _VALUE_NESTING:
        return {field.name.value: _value(field.value, variables, nesting + 1) for field in node.fields}
    return None


def _with_defaults(value: object, type_: GraphQLInputType) -> object:
    """An input object's fields left out take their schema defaults, as graphql's coercion will give them."""
    input_object = get_nullable_type(type_)
    if not isinstance(input_object, GraphQLInputObjectType) or not isinstance(value, dict):
        return value
    return {name: _with_defaults(value[name], field.type) if name in value else _default(field.default_value)
            for name, field in input_object.fields.items()}


def _default(default: Any) -> object:
    return None if default is Undefined else default


def _length(value: object) -> int:
    """A list's length; a single value counts 1, as graphql coerces it to a one-item list."""
    return len(value) if isinstance(value, list | tuple) else 1


def _count(nodes: Sequence[object] | None) -> int:
    """graphql-core types every AST list as optional, though the parser always fills them."""
    return len(nodes) if nodes else 0


def _clamp(size: int) -> int:
    """At least 1, so `first: 0` still counts the connection's own fields; at most Int's range."""
    return max(1, min(size, _MAX_SIZE))


def _beside(left: Measure, right: Measure) -> Measure:
    return Measure(depth=max(left.depth, right.depth), aliases=left.aliases + right.aliases,
                   directives=left.directives + right.directives, cost=min(left.cost + right.cost, _MAX_COST))
