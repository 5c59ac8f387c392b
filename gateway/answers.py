"""An appointment as clients see it: the POS's booking with Omnigate's own record laid over it.

Square keeps a booking's status read-only through its API and sets its `source` itself, so the store's answer
and the channel the request came from are Omnigate's (the ledger). The POS still has the last word on what
happened to the booking since: cancelled or a no-show there wins over any answer here.
"""

from dataclasses import replace

from connectors.domain import Appointment, AppointmentAnswer, AppointmentStatus


def overlaid(a: Appointment, recorded: AppointmentAnswer | None) -> Appointment:
    """A request still pending in the POS shows the answer given through Omnigate; a booking Omnigate
    cancelled because the store declined it shows DECLINED (that cancel is how the slot was freed)."""
    if recorded is None:
        return a
    status = a.status
    if recorded.answer is not None and a.status is AppointmentStatus.REQUESTED:
        status = recorded.answer
    elif recorded.answer is AppointmentStatus.DECLINED and a.status is AppointmentStatus.CANCELLED:
        status = AppointmentStatus.DECLINED
    return replace(a, status=status, channel=recorded.channel or a.channel)
