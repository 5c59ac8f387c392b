"""The webhook inbox and registrations, in the SQLite file and in PostgreSQL alike: an event is kept once per
(system, event_id), taken by one processor at a time in the order received, and a rotated secret still verifies
for its grace."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.domain import System
from connectors.ledger.store import LedgerPorts, open_ledger
from connectors.webhook_ports import InboxEvent, Registration

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.fixture(params=["sqlite", "postgres"])
async def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LedgerPorts]:
    url = request.getfixturevalue("postgres").new_database() if request.param == "postgres" else None
    async with open_ledger(tmp_path / "ledger.sqlite3", url) as ports:
        yield ports


def event(event_id: str, created: int = 0, received: int = 0, system: System = System.POS,
          delivered: bool = True) -> InboxEvent:
    return InboxEvent(system, event_id, "inventory.count.updated", NOW + timedelta(seconds=created),
                      NOW + timedelta(seconds=received), b'{"event_id": "%s"}' % event_id.encode(), delivered)


async def test_an_event_is_recorded_once_and_kept_byte_for_byte(ledger: LedgerPorts) -> None:
    inbox = ledger.inbox

    first, again = await inbox.record(event("e1")), await inbox.record(event("e1", received=5))
    other_system = await inbox.record(event("e1", system=System.WEBSHOP))

    assert (first, again, other_system) == (True, False, True)
    assert await inbox.unprocessed() == [event("e1"), event("e1", system=System.WEBSHOP)]


async def test_take_leases_in_order_received_and_processed_events_are_never_taken_again(
        ledger: LedgerPorts) -> None:
    inbox = ledger.inbox
    for i, name in enumerate(["b", "a", "c"]):
        await inbox.record(event(name, created=-i, received=i))

    taken = await inbox.take(NOW + timedelta(seconds=10), LEASE, limit=2)
    while_leased = await inbox.take(NOW + timedelta(seconds=11), LEASE, limit=10)
    await inbox.processed(System.POS, "b", NOW + timedelta(seconds=12))
    after_lease = await inbox.take(NOW + timedelta(seconds=41), LEASE, limit=10)

    assert [(e.event_id, e.attempts) for e in taken] == [("b", 1), ("a", 1)]
    assert [e.event_id for e in while_leased] == ["c"]
    assert [(e.event_id, e.attempts) for e in after_lease] == [("a", 2), ("c", 2)]
    assert [e.event_id for e in await inbox.unprocessed()] == ["a", "c"]
    assert await inbox.backlog() == (2, NOW + timedelta(seconds=1))


async def test_newest_event_and_last_delivery_per_system(ledger: LedgerPorts) -> None:
    inbox = ledger.inbox
    assert await inbox.last_event(System.POS) is None
    assert await inbox.last_delivery_at(System.POS) is None
    await inbox.record(event("old", created=-60, received=1))
    await inbox.record(event("new", created=-10, received=2))
    await inbox.record(event("fetched", created=-30, received=9, delivered=False))

    assert await inbox.last_event(System.POS) == ("new", NOW - timedelta(seconds=10))
    assert await inbox.last_delivery_at(System.POS) == NOW + timedelta(seconds=2)
    assert await inbox.last_event(System.WEBSHOP) is None


async def test_prune_forgets_old_processed_events_but_each_systems_newest(ledger: LedgerPorts) -> None:
    inbox = ledger.inbox
    for name, received in (("p1", 0), ("p2", 1), ("waiting", 2)):
        await inbox.record(event(name, created=received, received=received))
    await inbox.record(event("w1", system=System.WEBSHOP))
    for system, name in ((System.POS, "p1"), (System.POS, "p2"), (System.WEBSHOP, "w1")):
        await inbox.processed(system, name, NOW)

    pruned = await inbox.prune(NOW + timedelta(days=8))

    assert pruned == 2
    assert await inbox.last_event(System.POS) == ("waiting", NOW + timedelta(seconds=2))
    assert await inbox.last_event(System.WEBSHOP) == ("w1", NOW)


async def test_a_registration_replaces_the_last_and_a_rotated_secret_verifies_for_its_grace(
        ledger: LedgerPorts) -> None:
    store = ledger.registrations
    first = Registration(System.POS, "wbhk_1", "https://omnigate.example/webhooks/pos", "key-1", NOW)
    assert await store.get(System.POS) is None

    assert await store.save(first) == first
    rotated = await store.save(Registration(System.POS, "wbhk_1", first.notification_url, "key-2",
                                            NOW + timedelta(hours=1)), keep_previous=timedelta(minutes=10))
    again = await store.save(Registration(System.POS, "wbhk_1", first.notification_url, "key-2",
                                          NOW + timedelta(hours=1, minutes=1)))
    await store.save(Registration(System.WEBSHOP, "17", "https://omnigate.example/webhooks/webshop", "s", NOW))

    assert rotated.previous_secret == "key-1"
    assert await store.get(System.POS) == again
    assert again.secrets_at(NOW + timedelta(hours=1, minutes=5)) == ("key-2", "key-1")
    assert again.secrets_at(NOW + timedelta(hours=1, minutes=10)) == ("key-2",)
    assert [r.system for r in await store.all()] == [System.POS, System.WEBSHOP]




async def test_processors_taking_at_once_never_take_the_same_event(ledger: LedgerPorts) -> None:
    for i in range(30):
        await ledger.inbox.record(event(f"e{i:02}", received=i))
    at = NOW + timedelta(minutes=1)

    batches = await asyncio.gather(*(ledger.inbox.take(at, LEASE, limit=7) for _ in range(5)))

    taken = [e.event_id for batch in batches for e in batch]
    assert sorted(taken) == [f"e{i:02}" for i in range(30)]  # each once, none left: 5 x 7 covers them
