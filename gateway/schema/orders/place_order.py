"""`placeOrder`: home delivery, click & collect and ship from store, each a saga that leaves nothing half-done.

Who may is decided before the idempotency key is claimed; the channel is the principal's, never the input's.
"""

import uuid
from datetime import timedelta

import strawberry
from strawberry.types import Info

from connectors.domain import Hold, NewWebOrder, Purchase
from connectors.errors import ConnectorError

from ...auth import guards
from ...auth.channels import channel_of
from ...auth.principals import Role
from ...availability.publish import holds_changed
from ...context import Context
from ...errors import GatewayError, UserErrorCode
from ...live import OrderChanged
from ...writes.checkout import checkout
from ...writes.outcome import Outcome
from ...writes.saga import Saga
from ..stores.stock import in_stock
from ..user_errors import UserError, user_errors
from .order_input import OrderPlan, PlaceOrderInput, customer_named, plan_order
from .reserve_in_store import hold_expiry
from .types import Order, purchase_of


@strawberry.type
class PlaceOrderPayload:
    order: Order | None
    user_errors: list[UserError]


async def place_order(info: Info[Context, None], input: PlaceOrderInput) -> PlaceOrderPayload:
    ctx = info.context
    try:
        named = customer_named(input)
    except GatewayError:
        return PlaceOrderPayload(order=None, user_errors=user_errors(Outcome.refused(
            UserErrorCode.INVALID, "customerId is not the id of a customer", "input", "customerId")))
    guards.check_order_placer(ctx.principal, named)
    crm_id = named or (ctx.principal.subject if ctx.principal.role is Role.CUSTOMER else None)
    inputs = {"lines": [(line.sku, line.quantity) for line in input.lines], "fulfillment": input.fulfillment.value,
              "storeId": input.store_id, "address": vars(input.address) if input.address else None,
              "customerId": input.customer_id}
    outcome = await ctx.ledger.once(ctx.principal.rate_key, input.idempotency_key, "placeOrder", inputs, ctx.now,
                                    lambda: _place(info, input, crm_id))
    return await _payload(info, outcome)


async def _place(info: Info[Context, None], input: PlaceOrderInput, crm_id: str | None) -> Outcome:
    plan = await plan_order(info, input, crm_id)
    if isinstance(plan, Outcome):
        return plan
    holds = await _holds(info, plan)
    if isinstance(holds, Outcome):
        return holds
    outcome = await info.context.sagas.run(lambda saga: _run(info, saga, plan, holds))
    await holds_changed(info.context.live, info.context.reference.crosswalk, [(h.sku, h.store_code) for h, _ in holds],
                        info.context.now)  # held, or held and given back by the saga's undo
    if outcome.record_id is not None and not outcome.problems:
        ctx = info.context
        ctx.live.publish(OrderChanged(outcome.record_id, plan.customer.id if plan.customer else None, ctx.now))
    return outcome


async def _holds(info: Info[Context, None], plan: OrderPlan) -> list[tuple[Hold, int]] | Outcome:
    """For a store's order, one hold per line with what the POS counts there now (fresh, not cached)."""
    ctx, store = info.context, plan.store
    if store is None:
        return []
    try:
        levels = await in_stock(info, [(line.sku, store.code) for line in plan.lines], fresh=True)
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the POS could not count the stock; retry")
    customer = plan.customer
    expires = hold_expiry(store, ctx.now, timedelta(hours=ctx.settings.reservation_hold_hours))
    return [(Hold(uuid.uuid4().hex, line.sku, store.code, line.quantity, customer.id if customer else None,
                  customer.loyalty_card if customer else None, ctx.now, expires), level.sellable if level else 0)
            for line, level in zip(plan.lines, levels, strict=True)]


async def _run(info: Info[Context, None], saga: Saga, plan: OrderPlan, holds: list[tuple[Hold, int]]) -> Outcome:
    ctx = info.context
    order = NewWebOrder(key="", channel=channel_of(ctx.principal), method=plan.method, lines=plan.lines,
                        placed_at=ctx.now, customer_id=plan.customer.webshop_customer_id if plan.customer else None,
                        store_code=plan.store.code if plan.store else None,
                        store_name=plan.store.name if plan.store else None, address=plan.address)
    placed = await checkout(saga, ctx.ledger, ctx.shop, order, holds)
    if isinstance(placed, int):
        return Outcome.refused(UserErrorCode.OUT_OF_STOCK, "not enough units can be sold at this store",
                               "input", "lines", str(placed), "quantity")
    _remember(info, placed)
    return Outcome(record_id=placed.id)


def _remember(info: Info[Context, None], placed: Purchase) -> None:
    """The order as the web shop answered: read back in this request without another call."""
    info.context.loaders.order_by_id.prime(placed.id, placed)


async def _payload(info: Info[Context, None], outcome: Outcome) -> PlaceOrderPayload:
    """The order as it is now (a replay reads it again), whoever placed it: the caller just placed it."""
    order = None
    if outcome.record_id is not None and not outcome.problems:
        found = await info.context.loaders.order_by_id.load(outcome.record_id)
        built = purchase_of(found, await info.context.reference.crosswalk.get()) if found else None
        order = built if isinstance(built, Order) else None
    return PlaceOrderPayload(order=order, user_errors=user_errors(outcome))
