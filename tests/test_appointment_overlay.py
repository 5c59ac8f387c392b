"""Omnigate's answer laid over the POS's booking: pending shows the answer, what ended in the POS wins."""

from datetime import UTC, datetime

import pytest

from connectors.domain import Appointment, AppointmentAnswer, AppointmentStatus, Channel
from gateway.answers import overlaid

AT = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
REQUESTED, CONFIRMED, DECLINED = AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED, AppointmentStatus.DECLINED
CANCELLED, DONE = AppointmentStatus.CANCELLED, AppointmentStatus.DONE


def booking(status: AppointmentStatus) -> Appointment:
    return Appointment("b1", "PAR01", "Bike fitting", AT, AT, status, Channel.STORE, "LC-1")


@pytest.mark.parametrize(("in_pos", "answer", "shown"), [
    (REQUESTED, None, REQUESTED), (REQUESTED, CONFIRMED, CONFIRMED), (REQUESTED, DECLINED, DECLINED),
    (CANCELLED, DECLINED, DECLINED),  # the decline's own cancel freed the slot
    (CANCELLED, CONFIRMED, CANCELLED), (DONE, CONFIRMED, DONE), (CONFIRMED, DECLINED, CONFIRMED),
])
def test_the_pos_has_the_last_word_unless_still_pending(in_pos: AppointmentStatus, answer: AppointmentStatus | None,
                                                        shown: AppointmentStatus) -> None:
    recorded = AppointmentAnswer("b1", Channel.MOBILE_APP, answer, "staff-1" if answer else None,
                                 AT if answer else None)

    result = overlaid(booking(in_pos), recorded)

    assert (result.status, result.channel) == (shown, Channel.MOBILE_APP)


def test_nothing_recorded_leaves_the_booking_as_the_pos_has_it() -> None:
    assert overlaid(booking(REQUESTED), None) == booking(REQUESTED)
