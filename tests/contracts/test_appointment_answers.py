"""The AppointmentAnswers contract (Omnigate's ledger, in SQLite and in PostgreSQL): the first channel and
the first answer stand; answers are read aligned with the ids asked, in one query."""

from datetime import UTC, datetime, timedelta

import pytest

from connectors.domain import AppointmentAnswer, AppointmentStatus, Channel
from connectors.ledger.store import LedgerPorts
from connectors.ports import AppointmentAnswers

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
CONFIRMED, DECLINED = AppointmentStatus.CONFIRMED, AppointmentStatus.DECLINED


@pytest.fixture
def answers(ledger: LedgerPorts) -> AppointmentAnswers:
    return ledger.appointment_answers


async def test_the_first_channel_and_the_first_answer_stand(answers: AppointmentAnswers) -> None:
    await answers.record_channel("b1", Channel.MOBILE_APP)
    await answers.record_channel("b1", Channel.KIOSK)

    first = await answers.record_answer("b1", CONFIRMED, "staff-1", NOW)
    second = await answers.record_answer("b1", DECLINED, "staff-2", NOW + timedelta(minutes=5))

    assert first == second == AppointmentAnswer("b1", Channel.MOBILE_APP, CONFIRMED, "staff-1", NOW)


async def test_an_answer_without_a_channel_and_a_channel_after_an_answer(answers: AppointmentAnswers) -> None:
    declined = await answers.record_answer("b2", DECLINED, "staff-1", NOW)
    await answers.record_channel("b2", Channel.MOBILE_APP)

    assert declined == AppointmentAnswer("b2", None, DECLINED, "staff-1", NOW)
    assert await answers.answers(["b2"]) == [AppointmentAnswer("b2", Channel.MOBILE_APP, DECLINED, "staff-1", NOW)]


async def test_answers_are_aligned_with_the_ids(answers: AppointmentAnswers) -> None:
    await answers.record_channel("b1", Channel.MOBILE_APP)
    many = [f"x{n}" for n in range(1000)]

    found = await answers.answers(["nope", "b1", *many, "b1"])

    assert found[0] is None and found[1] == found[-1] == AppointmentAnswer("b1", Channel.MOBILE_APP)
    assert found[2:-1] == [None] * 1000
    assert await answers.answers([]) == []
