"""`collectReservation`: the customer pays at the till; the POS records the sale, then the hold closes.

The sale goes first, under a key derived from the hold's id: if closing the hold then fails, a retry records
nothing twice at the POS (Square answers the same key with its first response) and closes the hold.
"""

import strawberry
from strawberry.types import Info

from connectors.domain import Hold, HoldStatus, Sale
from connectors.errors import ConnectorError

from ...auth import guards
from ...context import Context
from ...errors import UserErrorCode
from ...live import ChangeKind, ReservationChanged, StockChanged
from ...writes.outcome import Outcome
from ..relay import parse_global_id
from .reservation import ReservationPayload
from .visibility import visible_by_id


async def collect_reservation(info: Info[Context, None], id: strawberry.ID) -> ReservationPayload:
    ctx = info.context
    _, key = parse_global_id(id, "Reservation")
    guards.check_collector(ctx.principal)
    [hold] = await ctx.ledger.holds([key])
    return await ReservationPayload.of(info, await _collect(info, await visible_by_id(info, hold)))


async def _collect(info: Info[Context, None], hold: Hold | None) -> Outcome:
    ctx = info.context
    if hold is None:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such reservation", "id")
    if hold.status is HoldStatus.COLLECTED:
        return Outcome(record_id=hold.id)  # a retry: already sold and closed
    if not hold.is_active(ctx.now):
        return _conflict(hold)
    gtin = (await ctx.reference.crosswalk.get()).gtin_of.get(hold.sku)
    sale = Sale(hold.id, gtin or "", hold.store_code, hold.quantity, ctx.now, key=f"omnigate-collect-{hold.id}")
    try:
        recorded = bool(gtin) and await ctx.till.record_sale(sale)
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the POS did not record the sale; the hold "
                               "stays, retry", record_id=hold.id)
    if not recorded:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "the POS does not sell this article", "id",
                               record_id=hold.id)
    ctx.reference.caches.stock.invalidate([(sale.gtin, sale.store_code)])
    closed = await ctx.ledger.collect(hold.id, ctx.now)
    ctx.live.publish(StockChanged(sale.gtin, sale.store_code, ctx.now))
    if closed is not None:
        ctx.live.publish(ReservationChanged(ChangeKind.UPDATED, hold.id, hold.store_code, ctx.now))
    if closed is None:
        [now] = await ctx.ledger.holds([hold.id])
        return Outcome(record_id=hold.id) if now and now.status is HoldStatus.COLLECTED else _conflict(now or hold)
    return Outcome(record_id=hold.id)


def _conflict(hold: Hold) -> Outcome:
    return Outcome.refused(UserErrorCode.CONFLICT, "only an active reservation can be collected", "id",
                           record_id=hold.id)
