"""`placeOrder`'s input, checked into an order the systems can take: every problem is a userError with the
path of the field at fault, found before any write."""

from dataclasses import dataclass

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.domain import Address, CustomerRecord, FulfillmentMethod, NewOrderLine

from ...context import Context
from ...errors import GatewayError, UserErrorCode
from ...writes.outcome import Outcome
from ..common import AddressInput
from ..relay import parse_global_id
from ..stores.types import StoreService
from .addresses import address_problem, to_domain

MAX_LINES, MAX_QUANTITY = 50, 99
SERVICE = {FulfillmentMethod.PICKUP_IN_STORE: StoreService.CLICK_AND_COLLECT,
           FulfillmentMethod.SHIP_FROM_STORE: StoreService.SHIP_FROM_STORE}
NEEDS_ADDRESS = (FulfillmentMethod.DELIVERY, FulfillmentMethod.SHIP_FROM_STORE)


@strawberry.input
class OrderLineInput:
    sku: str
    quantity: int


@strawberry.input
class PlaceOrderInput:
    idempotency_key: str = strawberry.field(
        description="Same key, same result: a retried request never places a second order.")
    lines: list[OrderLineInput]
    fulfillment: FulfillmentMethod
    store_id: strawberry.ID | None = strawberry.field(default=None,
                                                      description="Required for PICKUP_IN_STORE and SHIP_FROM_STORE.")
    address: AddressInput | None = strawberry.field(default=None,
                                                    description="Required for DELIVERY and SHIP_FROM_STORE.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="For a kiosk or call-centre order placed on a customer's behalf.")


@dataclass(frozen=True)
class OrderPlan:
    """What the input asks for, in the systems' terms."""

    method: FulfillmentMethod
    lines: tuple[NewOrderLine, ...]
    store: domain.Store | None
    address: Address | None
    customer: CustomerRecord | None


def customer_named(input: PlaceOrderInput) -> str | None:
    """The CRM id `customerId` names; raises GatewayError (BAD_USER_INPUT) when it names no customer."""
    return parse_global_id(input.customer_id, "Customer")[1] if input.customer_id is not None else None


async def plan_order(info: Info[Context, None], input: PlaceOrderInput, crm_id: str | None) -> OrderPlan | Outcome:
    lines = await _lines(info, input)
    if isinstance(lines, Outcome):
        return lines
    store = await _store(info, input)
    if isinstance(store, Outcome):
        return store
    address = _address(info, input)
    if isinstance(address, Outcome):
        return address
    customer = await _customer(info, crm_id, input.customer_id is not None)
    if isinstance(customer, Outcome):
        return customer
    return OrderPlan(input.fulfillment, lines, store, address, customer)


async def _lines(info: Info[Context, None], input: PlaceOrderInput) -> tuple[NewOrderLine, ...] | Outcome:
    if not 1 <= len(input.lines) <= MAX_LINES:
        return Outcome.refused(UserErrorCode.INVALID, f"an order has 1 to {MAX_LINES} lines", "input", "lines")
    crosswalk = await info.context.reference.crosswalk.get()
    found: list[NewOrderLine] = []
    for index, line in enumerate(input.lines):
        at = ("input", "lines", str(index))
        if not 1 <= line.quantity <= MAX_QUANTITY:
            return Outcome.refused(UserErrorCode.INVALID, f"quantity must be 1 to {MAX_QUANTITY}", *at, "quantity")
        sku = crosswalk.canonical_sku(line.sku)
        product_id = crosswalk.webshop_id_of.get(sku) if sku else None
        if sku is None or product_id is None or await info.context.loaders.product_by_sku.load(sku) is None:
            return Outcome.refused(UserErrorCode.NOT_FOUND, "no such article is sold online", *at, "sku")
        if any(earlier.sku == sku for earlier in found):
            return Outcome.refused(UserErrorCode.INVALID, "each article once: add to its quantity", *at, "sku")
        found.append(NewOrderLine(product_id, sku, line.quantity))
    if input.fulfillment is FulfillmentMethod.DELIVERY:
        return await _online_stock(info, found)
    return tuple(found)


async def _online_stock(info: Info[Context, None], lines: list[NewOrderLine]) -> tuple[NewOrderLine, ...] | Outcome:
    """Home delivery ships from the web shop's own stock (a store's order holds the store's units instead)."""
    online = await info.context.loaders.online_product_by_id.load_many([line.product_id for line in lines])
    for index, (line, product) in enumerate(zip(lines, online, strict=True)):
        if product is not None and product.stock is not None and product.stock < line.quantity:
            return Outcome.refused(UserErrorCode.OUT_OF_STOCK, f"the web shop has {product.stock} left", "input",
                                   "lines", str(index), "quantity")
    return tuple(lines)


async def _store(info: Info[Context, None], input: PlaceOrderInput) -> domain.Store | Outcome | None:
    service = SERVICE.get(input.fulfillment)
    if service is None:
        if input.store_id is not None:
            return Outcome.refused(UserErrorCode.INVALID, "storeId is for PICKUP_IN_STORE and SHIP_FROM_STORE",
                                   "input", "storeId")
        return None
    if input.store_id is None:
        return Outcome.refused(UserErrorCode.INVALID, f"{input.fulfillment.value} needs a storeId", "input",
                               "storeId")
    try:
        _, code = parse_global_id(input.store_id, "Store")
    except GatewayError:
        return Outcome.refused(UserErrorCode.INVALID, "storeId is not the id of a store", "input", "storeId")
    store = (await info.context.reference.stores.get()).by_code.get(code)
    if store is None or not store.active:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such store", "input", "storeId")
    if service.value not in store.services:
        return Outcome.refused(UserErrorCode.SERVICE_NOT_OFFERED, f"this store does not offer "
                               f"{service.value.replace('_', ' ').lower()}", "input", "storeId")
    return store


def _address(info: Info[Context, None], input: PlaceOrderInput) -> Address | Outcome | None:
    if input.fulfillment not in NEEDS_ADDRESS:
        if input.address is not None:
            return Outcome.refused(UserErrorCode.INVALID, "a click & collect order has no delivery address",
                                   "input", "address")
        return None
    if input.address is None:
        return Outcome.refused(UserErrorCode.INVALID, f"{input.fulfillment.value} needs an address", "input",
                               "address")
    countries = frozenset(c.strip().upper() for c in info.context.settings.delivery_countries.split(",") if c)
    problem = address_problem(input.address, countries)
    if problem is not None:
        return Outcome.refused(UserErrorCode.INVALID, problem[1], "input", "address", problem[0])
    return to_domain(input.address)


async def _customer(info: Info[Context, None], crm_id: str | None, named: bool) -> CustomerRecord | Outcome | None:
    """The web shop account the order goes on (None: a guest order, e.g. a walk-in at the kiosk)."""
    if crm_id is None:
        return None
    field = ("input", "customerId") if named else ()
    found = await info.context.loaders.customer_by_id.load(crm_id)
    if found is None:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such customer", *field)
    if found.webshop_customer_id is None:
        return Outcome.refused(UserErrorCode.INVALID, "this customer has no web shop account to order on",
                               *field)
    return found
