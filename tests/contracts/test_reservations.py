"""The Reservations contract (today Omnigate's SQLite ledger): holds count against what the POS calls in stock."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.domain import Hold, HoldStatus
from connectors.ledger.database import open_database
from connectors.ledger.holds import LedgerReservations
from connectors.ports import Reservations

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=48)


@pytest.fixture(params=["sqlite"])
async def reservations(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Reservations]:
    async with open_database(tmp_path / "ledger.sqlite3") as database:
        yield LedgerReservations(database)


def a_hold(hold_id: str, quantity: int = 1, sku: str = "SKU-1", store: str = "L7", at: datetime = NOW) -> Hold:
    return Hold(hold_id, sku, store, quantity, "C1", "LC-1", at, at + timedelta(hours=48))


async def test_a_hold_takes_what_is_available_and_no_more(reservations: Reservations) -> None:
    assert await reservations.hold(a_hold("h1", 2), available=3)
    assert not await reservations.hold(a_hold("h2", 2), available=3)
    assert await reservations.hold(a_hold("h3", 1), available=3)

    assert await reservations.held([("SKU-1", "L7"), ("SKU-1", "L8"), ("SKU-2", "L7"), ("SKU-1", "L7")], NOW) \
        == [3, 0, 0, 3]
    assert await reservations.holds(["h2", "h1"]) == [None, a_hold("h1", 2)]


async def test_holds_of_other_articles_and_stores_do_not_count(reservations: Reservations) -> None:
    assert await reservations.hold(a_hold("h1", 1, store="L8"), available=1)
    assert await reservations.hold(a_hold("h2", 1, sku="SKU-2"), available=1)

    assert await reservations.hold(a_hold("h3", 1), available=1)


async def test_release_and_collect_close_an_active_hold_once(reservations: Reservations) -> None:
    await reservations.hold(a_hold("h1"), available=5)
    await reservations.hold(a_hold("h2"), available=5)

    released, collected = await reservations.release("h1", NOW), await reservations.collect("h2", NOW)

    assert released is not None and released.status is HoldStatus.CANCELLED
    assert collected is not None and collected.status is HoldStatus.COLLECTED
    assert await reservations.release("h1", NOW) is None
    assert await reservations.collect("h1", NOW) is None
    assert await reservations.collect("nope", NOW) is None
    assert await reservations.held([("SKU-1", "L7")], NOW) == [0]


async def test_a_lapsed_hold_gives_its_units_back(reservations: Reservations) -> None:
    await reservations.hold(a_hold("h1"), available=1)

    assert await reservations.held([("SKU-1", "L7")], LATER) == [0]
    assert await reservations.collect("h1", LATER) is None
    assert await reservations.hold(a_hold("h2", at=LATER), available=1)
    expired = await reservations.expire(LATER)

    assert [(h.id, h.status) for h in expired] == [("h1", HoldStatus.EXPIRED)]
    assert await reservations.expire(LATER) == []


async def test_empty_batches_are_empty(reservations: Reservations) -> None:
    assert await reservations.held([], NOW) == [] and await reservations.holds([]) == []


async def test_holds_linked_to_an_order_are_found_by_it(reservations: Reservations) -> None:
    for hold_id in ("h1", "h2", "h3"):
        await reservations.hold(a_hold(hold_id, sku=f"SKU-{hold_id}"), available=1)

    await reservations.link(["h2", "h1"], "order-9")
    await reservations.link(["h1"], "order-9")  # linking again changes nothing

    assert [h.id for h in await reservations.order_holds("order-9")] == ["h1", "h2"]
    assert await reservations.order_holds("order-10") == []
