"""`collectOrder`: a click & collect order handed over at its store's counter.

The units leave the store's stock at the POS first (one sale per line, keyed on the order so a retry records
nothing twice), the order's holds close, and the web shop marks the order completed. The goods have left with
the customer, so nothing is undone if the web shop is down then: its update is journaled and retried.
"""

import strawberry
from strawberry.types import Info

from connectors.domain import FulfillmentMethod, OrderStatus, Purchase, Sale
from connectors.errors import ConnectorError

from ...auth import guards
from ...context import Context
from ...errors import UserErrorCode
from ...live import StockChanged
from ...writes.outcome import Outcome
from ...writes.undo import complete_web_order
from ..relay import parse_global_id
from ..user_errors import UserError, user_errors
from .order_changes import tell_order_changed
from .types import Order, purchase_of

OPEN = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.READY_FOR_PICKUP)


@strawberry.type
class OrderPayload:
    order: Order | None
    user_errors: list[UserError]


async def collect_order(info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
    ctx = info.context
    guards.check_collector(ctx.principal)
    _, order_id = parse_global_id(id, "Order")
    try:
        order = await ctx.loaders.order_by_id.load(order_id)
    except ConnectorError:
        return await _payload(info, None, Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE,
                                                          "the web shop could not be read; retry"))
    if order is None or order.fulfillment is None or order.fulfillment.method is not \
            FulfillmentMethod.PICKUP_IN_STORE or order.fulfillment.store_code is None:
        return await _payload(info, None, Outcome.refused(UserErrorCode.NOT_FOUND,
                                                          "no click & collect order with this id", "id"))
    guards.check_reserves_at(ctx.principal, order.fulfillment.store_code)
    return await _payload(info, order, await _hand_over(info, order, order.fulfillment.store_code))


async def _hand_over(info: Info[Context, None], order: Purchase, store_code: str) -> Outcome:
    ctx = info.context
    if order.status is OrderStatus.COMPLETED:
        return Outcome(record_id=order.id)  # handed over already
    if order.status not in OPEN:
        return Outcome.refused(UserErrorCode.CONFLICT, "only an open order can be collected", "id",
                               record_id=order.id)
    crosswalk = await ctx.reference.crosswalk.get()
    sales = [Sale(order.id, crosswalk.gtin_of.get(crosswalk.sku_for_line(line.sku, line.gtin) or "", ""),
                  store_code, line.quantity, ctx.now, key=f"omnigate-pickup-{order.id}-{n}")
             for n, line in enumerate(order.lines)]
    try:
        recorded = await ctx.till.record_sales(sales)
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the POS did not record the sale; nothing "
                               "changed, retry", record_id=order.id)
    if not all(recorded):
        return Outcome.refused(UserErrorCode.NOT_FOUND, "the store's till does not sell an article of this order",
                               "id", record_id=order.id)
    ctx.reference.caches.stock.invalidate([(s.gtin, s.store_code) for s in sales])
    for hold in await ctx.ledger.order_holds(order.id):
        await ctx.ledger.collect(hold.id, ctx.now)
    for sale in sales:
        ctx.live.publish(StockChanged(sale.gtin, sale.store_code, ctx.now))
    ctx.loaders.order_by_id.forget(order.id)
    try:
        await ctx.shop.complete_order(order.id)
    except ConnectorError as error:
        await ctx.sagas.begin().later(complete_web_order(order.id), str(error))
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "collected and sold at the till; the web shop "
                               "will show the order completed once it is back", record_id=order.id)
    await tell_order_changed(info, order)
    return Outcome(record_id=order.id)


async def _payload(info: Info[Context, None], order: Purchase | None, outcome: Outcome) -> OrderPayload:
    """The order as the web shop has it now (read again after a change)."""
    found = order
    if outcome.record_id is not None:
        try:
            found = await info.context.loaders.order_by_id.load(outcome.record_id)
        except ConnectorError:
            found = order
    built = purchase_of(found, await info.context.reference.crosswalk.get()) if found else None
    return OrderPayload(order=built if isinstance(built, Order) else None, user_errors=user_errors(outcome))
