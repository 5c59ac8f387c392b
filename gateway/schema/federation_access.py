"""Who may read the subgraph SDL (`_service { sdl }`), and what a router key may do.

With introspection off, `_service` would still hand anyone the whole schema. A
caller who may not read it has the document validated against the schema
without `_service`, so the answer is graphql-core's own for a field that does
not exist, and says nothing of the field's type or arguments. A router key is
for composing the supergraph: it reads `_service` and no other root field (a
router forwards each client's own credentials for `_entities` and the rest).
"""

from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLObjectType, GraphQLSchema, ValidationRule, get_named_type
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from ..auth.principals import ANONYMOUS, Principal, Role
from ..errors import ErrorCode, coded
from ..settings import SdlAccess

SERVICE_FIELD = "_service"
ROUTER_FIELDS = frozenset({SERVICE_FIELD, "__typename"})


class SdlPolicy:
    """One per schema: who may read the SDL, and the schema the others are validated against (built once)."""

    def __init__(self, access: SdlAccess) -> None:
        self.access = access
        self._without_service: GraphQLSchema | None = None

    def may_read(self, principal: Principal) -> bool:
        return self.access == "public" or (self.access == "router" and principal.role is Role.ROUTER)

    def view(self, principal: Principal) -> tuple[bool, bool]:
        """What validation depends on for this principal: the router's rule, and the schema it is validated against."""
        return principal.role is Role.ROUTER, self.may_read(principal)

    def schema_without_service(self, schema: GraphQLSchema) -> GraphQLSchema:
        if self._without_service is None:
            self._without_service = _without_service(schema)
        return self._without_service


class FederationAccess(SchemaExtension):
    """Validates the document for what the principal may see; strawberry then skips its own validation."""

    def __init__(self, policy: SdlPolicy) -> None:
        self.policy = policy

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        principal: Principal = getattr(context.context, "principal", ANONYMOUS)
        if principal.role is Role.ROUTER:
            context.validation_rules = (*context.validation_rules, RouterFieldsOnly)
        document = context.graphql_document
        if not self.policy.may_read(principal) and document is not None and context.pre_execution_errors is None:
            schema = self.policy.schema_without_service(context.schema._schema)
            context.pre_execution_errors = validate_document(schema, document, context.validation_rules)
        yield


class RouterFieldsOnly(ValidationRule):
    """A router key may select `_service` (and `__typename`) at the root, nothing else."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        schema = self.context.schema
        if self.context.get_parent_type() in (schema.query_type, schema.mutation_type) \
                and node.name.value not in ROUTER_FIELDS:
            self.report_error(GraphQLError("Not allowed", node, extensions=coded(ErrorCode.FORBIDDEN)))


def _without_service(schema: GraphQLSchema) -> GraphQLSchema:
    """The same types and directives, minus `Query._service` and the `_Service` type only it uses."""
    query = schema.query_type
    assert query is not None  # a federation subgraph always has one
    service_type = get_named_type(query.fields[SERVICE_FIELD].type)
    query_kwargs = query.to_kwargs()
    query_kwargs["fields"] = {name: field for name, field in query.fields.items() if name != SERVICE_FIELD}
    schema_kwargs = schema.to_kwargs()
    schema_kwargs["query"] = GraphQLObjectType(**query_kwargs)
    schema_kwargs["types"] = tuple(t for name, t in schema.type_map.items()
                                   if name not in (query.name, service_type.name) and not name.startswith("__"))
    return GraphQLSchema(**schema_kwargs)
