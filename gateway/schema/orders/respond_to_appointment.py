"""`respondToAppointment`: staff accept or decline a request. Square's booking status is read-only through its
API, so the answer is Omnigate's (the ledger); a decline also cancels the booking at the POS, freeing the slot.

Safe to retry without a key: the first answer stands in the ledger (the same one again is answered as done),
and the cancel is keyed by the appointment, so a decline whose cancel failed completes on the next try.
"""

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.domain import AppointmentStatus
from connectors.errors import ConnectorError

from ...answers import overlaid
from ...auth import guards
from ...context import Context
from ...errors import UserErrorCode
from ...live import AppointmentChanged, ChangeKind
from ...writes.outcome import Outcome
from ..relay import parse_global_id
from .appointment_payload import AppointmentPayload
from .visibility import visible_by_id

PENDING_IN_POS = frozenset({AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED})


async def respond_to_appointment(info: Info[Context, None], id: strawberry.ID, accept: bool) -> AppointmentPayload:
    """Staff of another store get FORBIDDEN, as for an appointment that does not exist."""
    ctx = info.context
    guards.check_appointment_answerer(ctx.principal)
    _, key = parse_global_id(id, "Appointment")
    found = await visible_by_id(info, await ctx.loaders.appointment_by_id.load(key))
    if found is None:
        outcome = Outcome.refused(UserErrorCode.NOT_FOUND, "no such appointment", "id")
    else:
        outcome = await _respond(info, found, AppointmentStatus.CONFIRMED if accept else AppointmentStatus.DECLINED)
        ctx.loaders.appointment_by_id.forget(found.id)
        if not outcome.problems:
            ctx.live.publish(AppointmentChanged(ChangeKind.UPDATED, found.id, found.store_code, ctx.now))
    return await AppointmentPayload.of(info, outcome)


async def _respond(info: Info[Context, None], in_pos: domain.Appointment, wanted: AppointmentStatus) -> Outcome:
    ctx = info.context
    [recorded] = await ctx.ledger.answers_of([in_pos.id])
    shown = overlaid(in_pos, recorded).status
    if shown is not wanted:
        if shown is not AppointmentStatus.REQUESTED:
            return _conflict(in_pos.id, f"this appointment is {shown.value.lower()} already")
        if in_pos.requested_for <= ctx.now:
            return _conflict(in_pos.id, "this appointment's time has passed")
        stands = await ctx.ledger.record_answer(in_pos.id, wanted, ctx.principal.subject or ctx.principal.rate_key)
        if stands.answer is not wanted:  # another answer came first
            return _conflict(in_pos.id, "this appointment was answered already")
    if wanted is AppointmentStatus.DECLINED and in_pos.status in PENDING_IN_POS:
        try:
            await ctx.bookings.cancel(in_pos.id)
        except ConnectorError:
            return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "declined, but the POS has not freed the "
                                   "slot yet; answer again to finish", record_id=in_pos.id)
    return Outcome(record_id=in_pos.id)


def _conflict(appointment_id: str, message: str) -> Outcome:
    return Outcome.refused(UserErrorCode.CONFLICT, message, "id", record_id=appointment_id)
