"""The UndoJournal contract (Omnigate's ledger, in SQLite and in PostgreSQL): undos written ahead, taken
once, kept until done."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from connectors.domain import JournalEntry, Undo, UndoKind
from connectors.ledger.store import LedgerPorts
from connectors.ports import UndoJournal

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.fixture
def journal(ledger: LedgerPorts) -> UndoJournal:
    return ledger.journal


def entry(entry_id: str, saga: str = "s1", due: datetime = NOW,
          kind: UndoKind = UndoKind.RELEASE_HOLD) -> JournalEntry:
    return JournalEntry(entry_id, saga, Undo(kind, f"target-{entry_id}", ("a", "b")), due)


async def test_an_undo_is_due_at_its_time_and_taken_once_per_lease(journal: UndoJournal) -> None:
    await journal.intend(entry("e1", due=NOW + timedelta(minutes=1)), NOW)
    await journal.intend(entry("e2", kind=UndoKind.CANCEL_WEB_ORDER), NOW)

    assert [e.id for e in await journal.take_due(NOW, LEASE, 10)] == ["e2"]
    assert await journal.take_due(NOW, LEASE, 10) == []  # leased: another process does not run it too
    later = await journal.take_due(NOW + timedelta(minutes=1), LEASE, 10)

    assert [(e.id, e.undo) for e in later] == [
        ("e2", Undo(UndoKind.CANCEL_WEB_ORDER, "target-e2", ("a", "b"))),  # its lease lapsed first
        ("e1", Undo(UndoKind.RELEASE_HOLD, "target-e1", ("a", "b")))]


async def test_a_settled_saga_leaves_nothing_to_undo(journal: UndoJournal) -> None:
    await journal.intend(entry("e1"), NOW)
    await journal.intend(entry("e2"), NOW)
    await journal.intend(entry("e3", saga="s2"), NOW)

    await journal.settle("s1")

    assert [e.id for e in await journal.pending()] == ["e3"]
    assert [e.id for e in await journal.take_due(NOW, LEASE, 10)] == ["e3"]


async def test_a_failed_undo_is_counted_and_due_again_until_done(journal: UndoJournal) -> None:
    await journal.intend(entry("e1"), NOW)
    [taken] = await journal.take_due(NOW, LEASE, 10)

    await journal.postpone(taken.id, NOW + timedelta(seconds=4), "webshop is unavailable")

    assert await journal.take_due(NOW + timedelta(seconds=3), LEASE, 10) == []
    [again] = await journal.take_due(NOW + timedelta(seconds=4), LEASE, 10)
    assert (again.attempts, again.last_error) == (1, "webshop is unavailable")
    await journal.undone(again.id)
    assert await journal.pending() == []


async def test_take_due_takes_at_most_the_limit_oldest_first(journal: UndoJournal) -> None:
    for n in range(5):
        await journal.intend(entry(f"e{n}", due=NOW - timedelta(seconds=n)), NOW)

    assert [e.id for e in await journal.take_due(NOW, LEASE, 2)] == ["e4", "e3"]


async def test_workers_taking_at_once_each_get_other_entries(journal: UndoJournal) -> None:
    """As replicas polling together do: every due entry is taken, none by two of them."""
    for n in range(12):
        await journal.intend(entry(f"e{n:02}", due=NOW - timedelta(seconds=n)), NOW)

    taken = await asyncio.gather(*(journal.take_due(NOW, LEASE, 3) for _ in range(6)))

    ids = [e.id for batch in taken for e in batch]
    assert sorted(ids) == [f"e{n:02}" for n in range(12)]
