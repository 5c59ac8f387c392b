"""Purchases on every channel: web orders (the web shop) and till receipts (the POS)."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.domain import FulfillmentMethod, OrderStatus

from ...auth import guards
from ...auth.audit import AuditRead
from ...auth.permissions import PersonalData
from ...auth.principals import Role
from ...context import Context
from ...crosswalk import Crosswalk
from ..common import Address, Channel, Money, Node
from ..products.types import Product, load_product
from ..relay import global_id, parse_global_id
from ..stores.types import Store

if TYPE_CHECKING:
    from ..customers.types import Customer


async def _store(info: Info[Context, None], code: str | None) -> Store | None:
    if code is None:
        return None
    return await Store.by_code(info, code)


@strawberry.type
class PurchaseLine:
    sku: str
    name: str
    quantity: int
    unit_price: Money
    total: Money
    known: strawberry.Private[bool]

    @classmethod
    def of(cls, line: domain.PurchaseLine, canonical: str | None) -> "PurchaseLine":
        return cls(sku=canonical or line.sku or line.gtin or "", name=line.name, quantity=line.quantity,
                   unit_price=Money.of(line.unit_price), total=Money.of(line.total), known=canonical is not None)

    @strawberry.field(description="The catalog product; null when the article is no longer known.")
    async def product(self, info: Info[Context, None]) -> Product | None:
        return await load_product(info, self.sku) if self.known else None


@strawberry.interface
class Purchase:
    id: strawberry.ID
    channel: Channel
    occurred_at: datetime
    total: Money
    lines: list[PurchaseLine]
    record: strawberry.Private[domain.Purchase]

    @strawberry.field
    async def store(self, info: Info[Context, None]) -> Store | None:
        return await _store(info, self.record.store_code)


@strawberry.type(description="A sale at a store till, from the POS.")
class StoreReceipt(Node, Purchase):
    receipt_number: str


strawberry.enum(OrderStatus)
strawberry.enum(FulfillmentMethod)


async def _order_customer(fulfillment: "Fulfillment", info: Info[Context, None]) -> str | None:
    """Whose address it is: the order's customer by CRM id (a guest's order names none)."""
    if fulfillment.customer_id is None:
        return None
    found = await info.context.loaders.customer_by_webshop_id.load(fulfillment.customer_id)
    return found.id if found else None


@strawberry.type
class Fulfillment:
    method: FulfillmentMethod
    address: Address | None = strawberry.field(description="Personal data: the customer and staff only.",
                                               permission_classes=[PersonalData],
                                               extensions=[AuditRead(_order_customer)])
    ready_at: datetime | None
    store_code: strawberry.Private[str | None]
    customer_id: strawberry.Private[str | None]  # the web shop's id of the order's customer

    @strawberry.field(description="The pickup or shipping store.")
    async def store(self, info: Info[Context, None]) -> Store | None:
        return await _store(info, self.store_code)


@strawberry.federation.type(keys=["id"])
class Order(Node, Purchase):
    order_number: str
    status: OrderStatus
    fulfillment: Fulfillment

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "Order | None":
        _, order_id = parse_global_id(id, "Order")
        return await load_order(info, order_id)

    @strawberry.field
    async def customer(self, info: Info[Context, None]
                       ) -> Annotated["Customer", strawberry.lazy("gateway.schema.customers.types")] | None:
        from ..customers.types import Customer

        if self.record.customer_id is None:
            return None
        found = await info.context.loaders.customer_by_webshop_id.load(self.record.customer_id)
        return Customer.of(found) if found else None


def purchase_of(p: domain.Purchase, crosswalk: Crosswalk) -> StoreReceipt | Order:
    lines = [PurchaseLine.of(line, crosswalk.sku_for_line(line.sku, line.gtin)) for line in p.lines]
    channel, total = p.channel, Money.of(p.total)
    if p.source is domain.System.POS:
        return StoreReceipt(id=strawberry.ID(global_id("StoreReceipt", p.id)), receipt_number=p.number or p.id,
                            channel=channel, occurred_at=p.occurred_at, total=total, lines=lines, record=p)
    fulfillment = p.fulfillment or domain.Fulfillment(FulfillmentMethod.DELIVERY)
    return Order(id=strawberry.ID(global_id("Order", p.id)), order_number=p.number or p.id,
                 status=p.status or OrderStatus.PENDING,
                 fulfillment=Fulfillment(method=fulfillment.method,
                                         address=Address.of(fulfillment.address) if fulfillment.address else None,
                                         ready_at=None, store_code=fulfillment.store_code,
                                         customer_id=p.customer_id),
                 channel=channel, occurred_at=p.occurred_at, total=total, lines=lines, record=p)


async def load_order(info: Info[Context, None], order_id: str) -> Order | None:
    """Staff see any order; a customer their own (another's looks exactly like a missing one)."""
    principal = info.context.principal
    guards.check_order_reader(principal)
    found = await info.context.loaders.order_by_id.load(order_id)
    if principal.role is Role.CUSTOMER:
        owner = await info.context.loaders.customer_by_webshop_id.load(found.customer_id) \
            if found and found.customer_id else None
        guards.check_order_owner(principal, owner.id if owner else None)
    if found is None:
        return None
    order = purchase_of(found, await info.context.reference.crosswalk.get())
    return order if isinstance(order, Order) else None
