"""`returnInStore`: a web order's articles brought back to a store; stock back at that store, money back.

Each entry of `skus` is one unit: list an article twice to bring two back.
"""

from collections import Counter
from dataclasses import replace

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.domain import NewRefund, OrderStatus, Purchase, Sale
from connectors.errors import ConnectorError

from ...auth import guards
from ...auth.principals import Role
from ...context import Context
from ...crosswalk import Crosswalk
from ...errors import GatewayError, UserErrorCode
from ...live import StockChanged
from ...writes.outcome import Outcome
from ...writes.returns import bring_back
from ...writes.saga import Saga
from ..relay import parse_global_id
from ..stores.types import StoreService
from ..user_errors import UserError, user_errors
from .order_changes import tell_order_changed
from .types import Order, purchase_of

MAX_UNITS, MAX_REASON = 100, 500


@strawberry.input
class ReturnInput:
    idempotency_key: str
    order_id: strawberry.ID
    store_id: strawberry.ID = strawberry.field(description="The store where the parcel is brought back.")
    skus: list[str] = strawberry.field(description="One entry per unit brought back.")
    reason: str | None = None


@strawberry.type
class ReturnPayload:
    order: Order | None
    user_errors: list[UserError]


async def return_in_store(info: Info[Context, None], input: ReturnInput) -> ReturnPayload:
    ctx = info.context
    if not ((ctx.principal.role is Role.CUSTOMER and ctx.principal.subject)
            or ctx.principal.role in (Role.STAFF, Role.KIOSK)):
        raise guards.forbidden()
    inputs = {"orderId": input.order_id, "storeId": input.store_id, "skus": input.skus, "reason": input.reason}
    outcome = await ctx.ledger.once(ctx.principal.rate_key, input.idempotency_key, "returnInStore", inputs, ctx.now,
                                    lambda: _return(info, input))
    return await _payload(info, outcome)


async def _return(info: Info[Context, None], input: ReturnInput) -> Outcome:
    checked = await _checked(info, input)
    if isinstance(checked, Outcome):
        return checked
    order, store, units = checked
    crosswalk = await info.context.reference.crosswalk.get()
    returned = [Sale(order.id, crosswalk.gtin_of.get(sku, ""), store.code, quantity, info.context.now, key="")
                for sku, quantity in units.items()]  # keyed per saga run in `_run`
    refund = NewRefund("", order.id, tuple(_recorded(order, crosswalk, units).items()), store.code,
                       input.reason, info.context.now)
    first = {sku: next(i for i, asked in enumerate(input.skus) if crosswalk.canonical_sku(asked) == sku)
             for sku in units}
    outcome = await info.context.sagas.run(lambda saga: _run(info, saga, order, returned, refund,
                                                             list(first.values())))
    if not outcome.problems:
        await tell_order_changed(info, order)
    return outcome


async def _run(info: Info[Context, None], saga: Saga, order: Purchase, returned: list[Sale], refund: NewRefund,
               asked_at: list[int]) -> Outcome:
    """`asked_at`: per returned article, where the input first named it."""
    ctx = info.context
    keyed = [replace(sale, key=saga.key(f"return-{n}")) for n, sale in enumerate(returned)]
    done = await bring_back(saga, ctx.till, ctx.shop, keyed, replace(refund, key=saga.key("refund")))
    if isinstance(done, int):
        return Outcome.refused(UserErrorCode.NOT_FOUND, "this store's till does not know the article", "input",
                               "skus", str(asked_at[done]))
    ctx.reference.caches.stock.invalidate([(s.gtin, s.store_code) for s in returned])
    for sale in returned:
        ctx.live.publish(StockChanged(sale.gtin, sale.store_code, ctx.now))
    ctx.loaders.order_by_id.forget(order.id)
    return Outcome(record_id=order.id)


async def _checked(info: Info[Context, None], input: ReturnInput
                   ) -> tuple[Purchase, domain.Store, Counter[str]] | Outcome:
    ctx = info.context
    try:
        _, order_id = parse_global_id(input.order_id, "Order")
    except GatewayError:
        return Outcome.refused(UserErrorCode.INVALID, "orderId is not the id of an order", "input", "orderId")
    try:
        _, code = parse_global_id(input.store_id, "Store")
    except GatewayError:
        return Outcome.refused(UserErrorCode.INVALID, "storeId is not the id of a store", "input", "storeId")
    guards.check_reserves_at(ctx.principal, code)
    if input.reason is not None and len(input.reason) > MAX_REASON:
        return Outcome.refused(UserErrorCode.INVALID, f"reason is at most {MAX_REASON} characters", "input",
                               "reason")
    try:
        order = await ctx.loaders.order_by_id.load(order_id)
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the web shop could not be read; retry")
    if order is None:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such order", "input", "orderId")
    await _check_owner(info, order)
    if order.status is not OrderStatus.COMPLETED:
        return Outcome.refused(UserErrorCode.INVALID, "only a delivered or completed order can be returned",
                               "input", "orderId")
    store = (await ctx.reference.stores.get()).by_code.get(code)
    if store is None or not store.active:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such store", "input", "storeId")
    if StoreService.RETURNS.value not in store.services:
        return Outcome.refused(UserErrorCode.SERVICE_NOT_OFFERED, "this store does not take returns", "input",
                               "storeId")
    units = await _units(info, order, input.skus)
    return units if isinstance(units, Outcome) else (order, store, units)


async def _check_owner(info: Info[Context, None], order: Purchase) -> None:
    """A customer brings back their own orders only (staff and kiosks take any back at their store)."""
    principal = info.context.principal
    if principal.role is Role.CUSTOMER:
        owner = await info.context.loaders.customer_by_webshop_id.load(order.customer_id) \
            if order.customer_id else None
        guards.check_order_owner(principal, owner.id if owner else None)


async def _units(info: Info[Context, None], order: Purchase, skus: list[str]) -> Counter[str] | Outcome:
    """Units per canonical sku, each within what was ordered less what was refunded already."""
    if not 1 <= len(skus) <= MAX_UNITS:
        return Outcome.refused(UserErrorCode.INVALID, f"bring back 1 to {MAX_UNITS} units", "input", "skus")
    crosswalk = await info.context.reference.crosswalk.get()
    ordered = Counter[str]()
    for line in order.lines:
        ordered[crosswalk.sku_for_line(line.sku, line.gtin) or ""] += line.quantity
    try:
        refunded = await info.context.shop.refunded(order.id)
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the web shop could not be read; retry")
    for recorded, quantity in refunded:
        ordered[crosswalk.canonical_sku(recorded) or ""] -= quantity
    units = Counter[str]()
    for index, asked in enumerate(skus):
        sku = crosswalk.canonical_sku(asked)
        if sku is None or sku not in ordered:
            return Outcome.refused(UserErrorCode.NOT_FOUND, "the order has no such article", "input", "skus",
                                   str(index))
        units[sku] += 1
        if units[sku] > ordered[sku]:
            return Outcome.refused(UserErrorCode.INVALID, "more units than were ordered and not yet returned",
                                   "input", "skus", str(index))
    return units


def _recorded(order: Purchase, crosswalk: Crosswalk, units: Counter[str]) -> dict[str, int]:
    """The order's own sku spelling per canonical sku, as the web shop's refund names its lines."""
    spelled = {crosswalk.sku_for_line(line.sku, line.gtin): line.sku for line in order.lines if line.sku}
    return {spelled.get(sku) or sku: quantity for sku, quantity in units.items()}


async def _payload(info: Info[Context, None], outcome: Outcome) -> ReturnPayload:
    order = None
    if outcome.record_id is not None:
        found = await info.context.loaders.order_by_id.load(outcome.record_id)
        built = purchase_of(found, await info.context.reference.crosswalk.get()) if found else None
        order = built if isinstance(built, Order) else None
    return ReturnPayload(order=order, user_errors=user_errors(outcome))
