"""The Reservations contract (Omnigate's ledger, in SQLite and in PostgreSQL): holds count against what the
POS calls in stock."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from connectors.domain import Hold, HoldListing, HoldPage, HoldStatus
from connectors.ledger.store import LedgerPorts
from connectors.ports import Reservations

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=48)


@pytest.fixture
def reservations(ledger: LedgerPorts) -> Reservations:
    return ledger.reservations


def a_hold(hold_id: str, quantity: int = 1, sku: str = "SKU-1", store: str = "L7", at: datetime = NOW,
           customer: str | None = "C1") -> Hold:
    return Hold(hold_id, sku, store, quantity, customer, "LC-1" if customer else None, at, at + timedelta(hours=48))


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
    listing = HoldListing(NOW, 10)
    assert await reservations.holds_of([], listing) == [] and await reservations.holds_at([], listing) == []


async def holds_made(reservations: Reservations) -> None:
    """C1: h1 (L7), h2 (L8), h3 (L7, collected), h4 (L7, lapses at LATER), hours apart; C2: h5 (L8); walk-in h6."""
    for index, (hold_id, store, customer) in enumerate((("h1", "L7", "C1"), ("h2", "L8", "C1"), ("h3", "L7", "C1"),
                                                        ("h4", "L7", "C1"), ("h5", "L8", "C2"), ("h6", "L7", None))):
        at = NOW + timedelta(hours=index) if hold_id != "h4" else NOW - timedelta(hours=1)
        assert await reservations.hold(a_hold(hold_id, store=store, at=at, customer=customer), available=10)
    await reservations.collect("h3", NOW + timedelta(hours=3))


def ids(page: HoldPage) -> list[str]:
    return [h.id for h in page.holds]


async def test_a_customers_holds_are_listed_newest_first_a_page_at_a_time(reservations: Reservations) -> None:
    await holds_made(reservations)
    at = NOW + timedelta(hours=6)

    first, other, nobody = await reservations.holds_of(["C1", "C2", "C9"], HoldListing(at, 2))
    assert (ids(first), first.has_more) == (["h3", "h2"], True)
    assert (ids(other), other.has_more, nobody) == (["h5"], False, HoldPage((), False))
    last = first.holds[-1]
    [rest] = await reservations.holds_of(["C1"], HoldListing(at, 2, after=(last.created_at, last.id)))
    assert (ids(rest), rest.has_more) == (["h1", "h4"], False)
    [here] = await reservations.holds_of(["C1"], HoldListing(at, 10, store_code="L7"))
    assert ids(here) == ["h3", "h1", "h4"]


async def test_status_is_as_of_the_time_asked_lapsed_holds_being_expired(reservations: Reservations) -> None:
    await holds_made(reservations)

    def listing(at: datetime, status: HoldStatus) -> HoldListing:
        return HoldListing(at, 10, status=status)

    assert [ids(p) for p in await reservations.holds_of(["C1"], listing(NOW + timedelta(hours=6),
                                                                         HoldStatus.ACTIVE))] == [["h2", "h1", "h4"]]
    lapsed = LATER - timedelta(minutes=30)  # h4 (made an hour before NOW) has lapsed; h1 has not
    assert [ids(p) for p in await reservations.holds_of(["C1"], listing(lapsed, HoldStatus.ACTIVE))] == [
        ["h2", "h1"]]
    assert [ids(p) for p in await reservations.holds_of(["C1"], listing(lapsed, HoldStatus.EXPIRED))] == [["h4"]]
    await reservations.expire(lapsed)
    assert [ids(p) for p in await reservations.holds_of(["C1"], listing(lapsed, HoldStatus.EXPIRED))] == [["h4"]]
    assert [ids(p) for p in await reservations.holds_of(["C1"], listing(lapsed, HoldStatus.COLLECTED))] == [["h3"]]


async def test_a_stores_holds_walk_ins_included_are_listed_by_store(reservations: Reservations) -> None:
    await holds_made(reservations)
    at = NOW + timedelta(hours=6)

    here, there, empty = await reservations.holds_at(["L7", "L8", "L9"], HoldListing(at, 10, store_code="L8"))

    assert (ids(here), ids(there), ids(empty)) == (["h6", "h3", "h1", "h4"], ["h5", "h2"], [])
    [page] = await reservations.holds_at(["L7"], HoldListing(at, 1, status=HoldStatus.ACTIVE))
    assert (ids(page), page.has_more) == (["h6"], True)


async def test_a_batch_of_many_customers_is_answered_aligned(reservations: Reservations) -> None:
    await holds_made(reservations)
    customers = [f"C{i}" for i in range(250, 0, -1)]  # more than one statement's worth, C1 and C2 at the end

    pages = await reservations.holds_of(customers, HoldListing(NOW + timedelta(hours=6), 1))

    assert [(ids(p), p.has_more) for p in pages[-2:]] == [(["h5"], False), (["h3"], True)]
    assert all(p == HoldPage((), False) for p in pages[:-2])


async def test_holds_linked_to_an_order_are_found_by_it(reservations: Reservations) -> None:
    for hold_id in ("h1", "h2", "h3"):
        await reservations.hold(a_hold(hold_id, sku=f"SKU-{hold_id}"), available=1)

    await reservations.link(["h2", "h1"], "order-9")
    await reservations.link(["h1"], "order-9")  # linking again changes nothing

    assert [h.id for h in await reservations.order_holds("order-9")] == ["h1", "h2"]
    assert await reservations.order_holds("order-10") == []


async def test_holds_racing_for_the_last_units_get_them_once(reservations: Reservations) -> None:
    """On PostgreSQL the holds run on several pooled connections at once, as on several replicas."""
    won = await asyncio.gather(*(reservations.hold(a_hold(f"r{n}", sku="SKU-9"), available=3) for n in range(20)))

    assert sum(won) == 3
    assert await reservations.held([("SKU-9", "L7")], NOW) == [3]
