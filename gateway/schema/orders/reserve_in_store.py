"""`reserveInStore`: hold units at a store in Omnigate's ledger until collected (the POS cannot reserve)."""

import uuid
from datetime import datetime, timedelta

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.domain import Hold
from connectors.errors import ConnectorError

from ...auth import guards
from ...auth.principals import Role
from ...availability.publish import holds_changed
from ...context import Context
from ...errors import GatewayError, UserErrorCode
from ...hours import after_open_time
from ...live import ChangeKind, ReservationChanged
from ...writes.outcome import Outcome
from ..relay import parse_global_id
from ..stores.stock import in_stock
from ..stores.types import StoreService
from .reservation import ReservationPayload

MAX_QUANTITY = 99


@strawberry.input
class ReserveInStoreInput:
    idempotency_key: str
    sku: str
    store_id: strawberry.ID
    quantity: int
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Staff: the customer the units are held for (a customer may name only "
                                  "themself); they see the hold among their reservations.")
    loyalty_card: str | None = strawberry.field(
        default=None, description="A kiosk or staff: the scanned card of the customer the units are held for. "
                                  "A kiosk names a customer this way only.")


async def reserve_in_store(info: Info[Context, None], input: ReserveInStoreInput) -> ReservationPayload:
    """Who may, and for whom, is decided before the key is claimed; the rest runs once per idempotency key."""
    ctx = info.context
    guards.check_reserver(ctx.principal)
    crm_id = parse_global_id(input.customer_id, "Customer")[1] if input.customer_id is not None else None
    guards.check_reserves_for(ctx.principal, crm_id, input.loyalty_card)
    inputs: dict[str, object] = {"sku": input.sku, "storeId": str(input.store_id), "quantity": input.quantity}
    if crm_id is not None or input.loyalty_card is not None:  # absent, the fingerprint of earlier requests holds
        inputs.update(customerId=crm_id, loyaltyCard=input.loyalty_card)
    outcome = await ctx.ledger.once(ctx.principal.rate_key, input.idempotency_key, "reserveInStore", inputs, ctx.now,
                                    lambda: _reserve(info, input))
    return await ReservationPayload.of(info, outcome)


async def _reserve(info: Info[Context, None], input: ReserveInStoreInput) -> Outcome:
    ctx = info.context
    if not 1 <= input.quantity <= MAX_QUANTITY:
        return Outcome.refused(UserErrorCode.INVALID, f"quantity must be 1 to {MAX_QUANTITY}", "input", "quantity")
    try:
        _, code = parse_global_id(input.store_id, "Store")
    except GatewayError:
        return Outcome.refused(UserErrorCode.INVALID, "storeId is not the id of a store", "input", "storeId")
    store = (await ctx.reference.stores.get()).by_code.get(code)
    if store is None or not store.active:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such store", "input", "storeId")
    guards.check_reserves_at(ctx.principal, code)
    if StoreService.RESERVE_AND_COLLECT.value not in store.services:
        return Outcome.refused(UserErrorCode.SERVICE_NOT_OFFERED, "this store does not offer reserve & collect",
                               "input", "storeId")
    sku = (await ctx.reference.crosswalk.get()).canonical_sku(input.sku)
    if sku is None or await ctx.loaders.product_by_sku.load(sku) is None:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such article", "input", "sku")
    try:
        holder = await _holder(info, input)
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the CRM could not find the customer; retry")
    if isinstance(holder, Outcome):
        return holder
    try:
        [level] = await in_stock(info, [(sku, code)], fresh=True)  # the ledger subtracts its own holds
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the POS could not count the stock; retry")
    customer_id, card = holder
    hold = Hold(uuid.uuid4().hex, sku, code, input.quantity, customer_id, card, ctx.now,
                hold_expiry(store, ctx.now, timedelta(hours=ctx.settings.reservation_hold_hours)))
    if level is None or not await ctx.ledger.hold(hold, level.sellable):
        return Outcome.refused(UserErrorCode.OUT_OF_STOCK, "not enough units can be sold at this store",
                               "input", "quantity")
    ctx.live.publish(ReservationChanged(ChangeKind.CREATED, hold.id, code, ctx.now))
    await holds_changed(ctx.live, ctx.reference.crosswalk, [(sku, code)], ctx.now)
    return Outcome(record_id=hold.id)


def hold_expiry(store: domain.Store, now: datetime, hold: timedelta) -> datetime:
    """The hold runs only while the store is open (as an appointment's `respondBy`), so the customer gets the
    same number of shopping hours whenever they reserve; a store without opening hours counts plain hours."""
    return after_open_time(store, now, hold) or now + hold


async def _holder(info: Info[Context, None], input: ReserveInStoreInput) -> tuple[str | None, str | None] | Outcome:
    """(CRM id, loyalty card) of whom the units are held for: the one named (staff, a kiosk by card), else a
    signed-in customer themself, else a walk-in (None, None). The card lets them see it by node too."""
    principal, loaders = info.context.principal, info.context.loaders
    if input.customer_id is not None and input.loyalty_card is not None:
        return Outcome.refused(UserErrorCode.INVALID, "name the customer by customerId or by loyaltyCard, not both",
                               "input", "customerId")
    if input.loyalty_card is not None:
        found = await loaders.customer_by_card.load(input.loyalty_card)
        return (found.id, found.loyalty_card) if found else Outcome.refused(
            UserErrorCode.NOT_FOUND, "no customer has this loyalty card", "input", "loyaltyCard")
    if input.customer_id is not None:
        found = await loaders.customer_by_id.load(parse_global_id(input.customer_id, "Customer")[1])
        return (found.id, found.loyalty_card) if found else Outcome.refused(
            UserErrorCode.NOT_FOUND, "no such customer", "input", "customerId")
    if principal.role is not Role.CUSTOMER or principal.subject is None:
        return None, None
    found = await loaders.customer_by_id.load(principal.subject)  # signed in: themself, card or not
    return principal.subject, found.loyalty_card if found else None
