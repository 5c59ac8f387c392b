"""Writes that span systems: each step's undo is journaled before the step runs, so nothing is left half-done.

A saga that fails undoes its steps newest first, at once; an undo that fails then stays in the journal, due
again with backoff (`replay.py`). A saga whose process dies mid-way is never settled: its undos fall due when
its lease lapses and the journal runs them, in whichever process is alive.
"""

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from connectors.domain import JournalEntry, Undo
from connectors.errors import ConnectorError
from connectors.ports import UndoJournal

from ..errors import UserErrorCode
from .outcome import Outcome
from .undo import Undoer

T = TypeVar("T")
LOG = logging.getLogger("omnigate.sagas")


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … capped at 5 minutes: a system back within minutes sees its undo at once."""
    return timedelta(seconds=min(300, 2 ** max(0, attempts - 1)))


class Saga:
    """`lease`: longer than any saga takes (a few upstream calls, each bounded by its timeout) and shorter than
    an idempotency claim's, so a crashed saga is undone before a retry of its request may run again."""

    def __init__(self, journal: UndoJournal, undoer: Undoer, now: datetime, lease: timedelta) -> None:
        self.id = uuid.uuid4().hex
        self._journal = journal
        self._undoer = undoer
        self._now = now
        self._lease = lease
        self._entries: list[JournalEntry] = []

    def key(self, step: str) -> str:
        """A key for one step's upstream write: one per run, so a run after an undone one makes new records."""
        return f"omnigate-{self.id}-{step}"

    async def step(self, undo: Undo, action: Callable[[], Awaitable[T]]) -> T:
        entry = JournalEntry(uuid.uuid4().hex, self.id, undo, self._now + self._lease)
        await self._journal.intend(entry, self._now)
        self._entries.append(entry)
        return await action()

    async def complete(self) -> None:
        await self._journal.settle(self.id)

    async def later(self, step: Undo, error: str) -> None:
        """A step that failed but must still happen (it cannot be undone: the goods have left): journaled, due
        at once, retried with backoff until it succeeds."""
        entry = JournalEntry(uuid.uuid4().hex, self.id, step, self._now + backoff(1), 1, error[:500])
        await self._journal.intend(entry, self._now)

    async def unwind(self) -> list[JournalEntry]:
        """Undoes every step newest first; returns what could not be undone now (journaled, retried)."""
        left = []
        for entry in reversed(self._entries):
            try:
                await self._undoer.run(entry.undo)
            except ConnectorError as error:
                LOG.warning("saga %s: undo %s %s failed, journaled: %s", self.id, entry.undo.kind.value,
                            entry.undo.target, error)
                await self._journal.postpone(entry.id, self._now + backoff(1), str(error))
                left.append(entry)
            else:
                await self._journal.undone(entry.id)
        return left


class Sagas:
    """Per request: sagas started as of the request's time."""

    def __init__(self, journal: UndoJournal, undoer: Undoer, now: datetime, lease: timedelta) -> None:
        self._journal = journal
        self._undoer = undoer
        self._now = now
        self._lease = lease

    def begin(self) -> Saga:
        return Saga(self._journal, self._undoer, self._now, self._lease)

    async def run(self, body: Callable[[Saga], Awaitable[Outcome]]) -> Outcome:
        """Completes the saga when `body` reports no problem; undoes it when it reports one or a system fails.
        A bug unwinds and propagates; a cancelled request leaves its steps to the journal (after the lease)."""
        saga = self.begin()
        try:
            outcome = await body(saga)
        except ConnectorError as error:
            left = await saga.unwind()
            return _failed(error, undone=not left)
        except Exception:
            await saga.unwind()
            raise
        if outcome.problems:
            await saga.unwind()
        else:
            await saga.complete()
        return outcome


def _failed(error: ConnectorError, undone: bool) -> Outcome:
    """Kept from being stored (UPSTREAM_UNAVAILABLE): the same key may be retried once the system is back."""
    after = "nothing was kept" if undone else "what was done is being undone"
    return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, f"{error.system} did not complete the request "
                           f"({after}); retry with the same idempotencyKey")
