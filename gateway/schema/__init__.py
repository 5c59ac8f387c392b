"""The schema: each domain's root fields merged into one Query, served as an Apollo Federation v2 subgraph."""

import strawberry
from strawberry.tools import merge_types

from .customers.queries import CustomerQueries
from .errors import ErrorCodes
from .node import NodeQueries
from .orders.queries import OrderQueries
from .orders.services import Reservation
from .orders.types import Order, StoreReceipt
from .products.queries import ProductQueries
from .stores.queries import StoreQueries

Query = merge_types("Query", (NodeQueries, ProductQueries, StoreQueries, CustomerQueries, OrderQueries))

schema = strawberry.federation.Schema(
    query=Query,
    types=[StoreReceipt, Order, Reservation],
    extensions=[ErrorCodes],
)
