"""`AppointmentPayload`: what requestAppointment and respondToAppointment answer, read again after the write."""

import strawberry
from strawberry.types import Info

from ...context import Context
from ...writes.outcome import Outcome
from ..user_errors import UserError, user_errors
from .services import Appointment


@strawberry.type
class AppointmentPayload:
    appointment: Appointment | None
    user_errors: list[UserError]

    @classmethod
    async def of(cls, info: Info[Context, None], outcome: Outcome) -> "AppointmentPayload":
        """From a fresh or a replayed outcome alike: the appointment as the POS and the ledger say now (the
        writer forgot what this request had read of it), and the problems as first reported."""
        found = await info.context.loaders.appointment_by_id.load(outcome.record_id) if outcome.record_id else None
        shown = await Appointment.visible(info, [found]) if found else []
        return cls(appointment=shown[0] if shown else None, user_errors=user_errors(outcome))
