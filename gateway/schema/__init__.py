"""The schema: each domain's root fields merged into one Query and one Mutation, served as an Apollo
Federation v2 subgraph; live events are its Subscription (over WebSocket, gateway/subscriptions/)."""

from typing import Any

import strawberry
from graphql.validation import ASTValidationRule, MaxIntrospectionDepthRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules
from strawberry.federation.schema import FederationAny
from strawberry.tools import merge_types
from strawberry.types import Info

from ..errors import bad_input
from ..settings import SdlAccess
from .customers.mutations import CustomerMutations
from .customers.queries import CustomerQueries
from .errors import ErrorCodes
from .federation_access import FederationAccess, SdlPolicy
from .live.streamed import StreamedAudit
from .live.subscriptions import LiveSubscriptions
from .node import NodeQueries
from .orders.mutations import OrderMutations
from .orders.queries import OrderQueries
from .orders.reservation import Reservation
from .orders.types import Order, StoreReceipt
from .prepared import PreparedDocuments
from .products.queries import ProductQueries
from .stores.queries import StoreQueries

Query = merge_types("Query", (NodeQueries, ProductQueries, StoreQueries, CustomerQueries, OrderQueries))
Mutation = merge_types("Mutation", (OrderMutations, CustomerMutations))
Subscription = merge_types("Subscription", (LiveSubscriptions,))


ENTITY_KEYS = {"Product": "sku", "Store": "id", "Customer": "id", "Order": "id"}


class GatewaySchema(strawberry.federation.Schema):
    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        """ErrorCodes logs what deserves it; a refused field is not a server error."""

    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        """Checks every representation before any is resolved: a bad one is the client's error, and no
        lookup is started for a request that is refused."""
        for index, rep in enumerate(representations):
            fields: dict[str, Any] = rep if isinstance(rep, dict) else {}
            key = ENTITY_KEYS.get(fields.get("__typename", ""))
            if key is None or set(fields) != {"__typename", key} or not isinstance(fields[key], str):
                raise bad_input(f"representation {index} must be {{__typename, key}} of an entity: "
                                + ", ".join(f"{t} by {k}" for t, k in ENTITY_KEYS.items()))
        return super().entities_resolver(info, representations)


def build_schema(production: bool = False, sdl_access: SdlAccess = "public") -> GatewaySchema:
    """Introspection is off in production (field suggestions are stripped by ErrorCodes there); `sdl_access`
    says who may read `_service { sdl }`."""
    rules: list[type[ASTValidationRule]] = [NoSchemaIntrospectionCustomRule if production
                                            else MaxIntrospectionDepthRule]
    policy = SdlPolicy(sdl_access)
    extensions: list[Any] = [ErrorCodes, lambda: AddValidationRules(rules),  # classes and factories alike
                             lambda: PreparedDocuments(policy), lambda: FederationAccess(policy), StreamedAudit]
    return GatewaySchema(query=Query, mutation=Mutation, subscription=Subscription,
                         types=[StoreReceipt, Order, Reservation],
                         extensions=extensions,
                         federation_version="2.0")  # the lowest with @key, @shareable, @inaccessible


schema = build_schema()
