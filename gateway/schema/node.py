"""`node(id:)`: any Node by its global id, through the same loaders as every other field."""

from collections.abc import Awaitable, Callable

import strawberry
from strawberry.types import Info

from ..auth import guards
from ..context import Context
from .common import Node
from .customers.types import load_customer
from .orders.reservation import Reservation
from .orders.services import Appointment
from .orders.types import load_order, purchase_of
from .products.types import Product
from .relay import parse_global_id
from .stores.types import Store


async def _product(info: Info[Context, None], key: str) -> Node | None:
    return await Product.resolve_reference(info, key)


async def _customer(info: Info[Context, None], key: str) -> Node | None:
    guards.check_customer_by_id(info.context.principal, key)
    return await load_customer(info, key)


async def _order(info: Info[Context, None], key: str) -> Node | None:
    return await load_order(info, key)


async def _receipt(info: Info[Context, None], key: str) -> Node | None:
    """Staff only: customers reach their receipts through their purchase history."""
    guards.check_staff(info.context.principal)
    found = await info.context.loaders.receipt_by_id.load(key)
    return purchase_of(found, await info.context.reference.crosswalk.get()) if found else None


async def _appointment(info: Info[Context, None], key: str) -> Node | None:
    return await Appointment.by_id(info, key)


async def _reservation(info: Info[Context, None], key: str) -> Node | None:
    return await Reservation.by_id(info, key)


async def _store(info: Info[Context, None], key: str) -> Node | None:
    return await Store.by_code(info, key)


RESOLVERS: dict[str, Callable[[Info[Context, None], str], Awaitable[Node | None]]] = {
    "Product": _product,
    "Store": _store,
    "Customer": _customer,
    "Order": _order,
    "StoreReceipt": _receipt,
    "Appointment": _appointment,
    "Reservation": _reservation,
}


@strawberry.type
class NodeQueries:
    @strawberry.federation.field(inaccessible=True)
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        """Omnigate's own clients only: it resolves the ids Omnigate mints, while a supergraph's `node` must resolve
        every subgraph's. `@shareable` would let the planner send any id to any subgraph (a wrong null);
        `@inaccessible` leaves it out of the supergraph's API."""
        type_name, key = parse_global_id(id)
        resolve = RESOLVERS.get(type_name)
        return await resolve(info, key) if resolve else None
