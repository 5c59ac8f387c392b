"""`cancelReservation`: the holder, or a kiosk or staff of the store, gives the units back."""

import strawberry
from strawberry.types import Info

from connectors.domain import HoldStatus

from ...auth import guards
from ...availability.publish import holds_changed
from ...context import Context
from ...errors import UserErrorCode
from ...live import ChangeKind, ReservationChanged
from ...writes.outcome import Outcome
from ..relay import parse_global_id
from .reservation import ReservationPayload
from .visibility import visible_by_id


async def cancel_reservation(info: Info[Context, None], id: strawberry.ID) -> ReservationPayload:
    """Idempotent by nature: cancelling a cancelled reservation answers it again; one collected or expired is
    CONFLICT. Whoever may not see the reservation is FORBIDDEN, as for one that does not exist."""
    ctx = info.context
    _, key = parse_global_id(id, "Reservation")
    guards.check_held_at_store_reader(ctx.principal)
    [hold] = await ctx.ledger.holds([key])
    if await visible_by_id(info, hold) is None:
        return await ReservationPayload.of(info, Outcome.refused(UserErrorCode.NOT_FOUND, "no such reservation",
                                                                 "id"))
    if (released := await ctx.ledger.release(key, ctx.now)) is not None:
        ctx.live.publish(ReservationChanged(ChangeKind.UPDATED, key, released.store_code, ctx.now))
        await holds_changed(ctx.live, ctx.reference.crosswalk, [(released.sku, released.store_code)], ctx.now)
        return await ReservationPayload.of(info, Outcome(record_id=key))
    [now] = await ctx.ledger.holds([key])
    if now is not None and now.status is HoldStatus.CANCELLED:
        return await ReservationPayload.of(info, Outcome(record_id=key))
    return await ReservationPayload.of(info, Outcome.refused(
        UserErrorCode.CONFLICT, "only an active reservation can be cancelled", "id", record_id=key))
