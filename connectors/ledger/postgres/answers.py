"""The AppointmentAnswers port on PostgreSQL's `appointment_answers` table.

The answer is an upsert whose update applies only while no answer is recorded: a second replica answering at the
same moment waits on the row, re-reads it, finds the first answer and changes nothing.
"""

from collections.abc import Sequence
from datetime import datetime

from ...domain import AppointmentAnswer, AppointmentStatus, Channel
from ..answers import COLUMNS, answer_of
from ..database import to_us
from .database import Connection, PostgresDatabase


class PostgresAppointmentAnswers:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def record_channel(self, appointment_id: str, channel: Channel) -> None:
        async def work(conn: Connection) -> None:
            await conn.execute(
                "INSERT INTO appointment_answers AS a (appointment_id, channel) VALUES (%s, %s) "
                "ON CONFLICT (appointment_id) DO UPDATE SET channel = COALESCE(a.channel, excluded.channel)",
                (appointment_id, channel.value))
        await self._db.read(work)

    async def record_answer(self, appointment_id: str, answer: AppointmentStatus, by: str,
                            at: datetime) -> AppointmentAnswer:
        async def work(conn: Connection) -> AppointmentAnswer:
            await conn.execute(
                "INSERT INTO appointment_answers AS a (appointment_id, answer, answered_by, answered_us) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (appointment_id) DO UPDATE SET answer = excluded.answer, "
                "answered_by = excluded.answered_by, answered_us = excluded.answered_us WHERE a.answer IS NULL",
                (appointment_id, answer.value, by, to_us(at)))
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM appointment_answers WHERE appointment_id = %s",
                                        (appointment_id,))
            row = await cursor.fetchone()
            assert row is not None  # written or kept by the statement above, in this transaction
            return answer_of(row)
        return await self._db.write(work)

    async def answers(self, appointment_ids: Sequence[str]) -> list[AppointmentAnswer | None]:
        async def work(conn: Connection) -> list[AppointmentAnswer | None]:
            cursor = await conn.execute(f"SELECT {COLUMNS} FROM appointment_answers WHERE appointment_id = ANY(%s)",
                                        (list(set(appointment_ids)),))
            found = {row[0]: answer_of(row) for row in await cursor.fetchall()}
            return [found.get(i) for i in appointment_ids]
        return await self._db.read(work) if appointment_ids else []
