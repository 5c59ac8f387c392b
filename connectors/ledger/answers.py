"""The AppointmentAnswers port on the ledger's `appointment_answers` table: one row per appointment Omnigate
knows more of than the POS does (the channel it was asked on, the store's answer)."""

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ..domain import AppointmentAnswer, AppointmentStatus, Channel
from .database import Database, from_us, to_us

IDS_PER_QUERY = 900  # under SQLite's oldest limit of 999 parameters
COLUMNS = "appointment_id, channel, answer, answered_by, answered_us"


def answer_of(row: tuple[str, str | None, str | None, str | None, int | None]) -> AppointmentAnswer:
    appointment_id, channel, answer, by, at = row
    return AppointmentAnswer(appointment_id, Channel(channel) if channel else None,
                             AppointmentStatus(answer) if answer else None, by,
                             from_us(at) if at is not None else None)


class LedgerAppointmentAnswers:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def record_channel(self, appointment_id: str, channel: Channel) -> None:
        await self._db.write(lambda conn: conn.execute(
            "INSERT INTO appointment_answers (appointment_id, channel) VALUES (?, ?) "
            "ON CONFLICT (appointment_id) DO UPDATE SET channel = COALESCE(channel, excluded.channel)",
            (appointment_id, channel.value)))

    async def record_answer(self, appointment_id: str, answer: AppointmentStatus, by: str,
                            at: datetime) -> AppointmentAnswer:
        """Insert or fill in, in one write transaction: the first answer stands, whoever comes second."""
        def work(conn: sqlite3.Connection) -> AppointmentAnswer:
            conn.execute("INSERT INTO appointment_answers (appointment_id, answer, answered_by, answered_us) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT (appointment_id) DO UPDATE SET "
                         "answer = excluded.answer, answered_by = excluded.answered_by, "
                         "answered_us = excluded.answered_us WHERE answer IS NULL",
                         (appointment_id, answer.value, by, to_us(at)))
            row = conn.execute(f"SELECT {COLUMNS} FROM appointment_answers WHERE appointment_id = ?",
                               (appointment_id,)).fetchone()
            return answer_of(row)
        return await self._db.write(work)

    async def answers(self, appointment_ids: Sequence[str]) -> list[AppointmentAnswer | None]:
        def work(conn: sqlite3.Connection) -> list[AppointmentAnswer | None]:
            found: dict[str, AppointmentAnswer] = {}
            unique = list(dict.fromkeys(appointment_ids))
            for start in range(0, len(unique), IDS_PER_QUERY):
                chunk = unique[start:start + IDS_PER_QUERY]
                marks = ", ".join("?" for _ in chunk)
                rows = conn.execute(f"SELECT {COLUMNS} FROM appointment_answers WHERE appointment_id IN ({marks})",
                                    chunk).fetchall()
                found.update({row[0]: answer_of(row) for row in rows})
            return [found.get(i) for i in appointment_ids]
        return await self._db.read(work) if appointment_ids else []
