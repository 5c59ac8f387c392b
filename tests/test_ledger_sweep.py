"""The sweep marks lapsed holds EXPIRED as of the gateway's clock, leaves active ones alone, and tells the live hub."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from connectors.domain import Hold, HoldStatus
from connectors.ledger.database import open_database
from connectors.ledger.holds import LedgerReservations
from gateway.cache import Refreshing
from gateway.crosswalk import Crosswalk, DataQualityLog
from gateway.live import ChangeKind, LiveEvent, LiveHub, ReservationChanged, StockChanged
from gateway.writes.sweep import sweep_lapsed_holds

NOW = datetime(2026, 5, 2, 9, 30, tzinfo=UTC)


def crosswalk() -> Refreshing[Crosswalk]:
    async def load() -> Crosswalk:
        return Crosswalk([("SKU-1", "3601234567890")], None, DataQualityLog())

    return Refreshing("crosswalk", "erp", load, 60, 0)


async def test_lapsed_holds_are_marked_expired_and_active_ones_kept(tmp_path: Path) -> None:
    async with open_database(tmp_path / "ledger.sqlite3") as database:
        ledger = LedgerReservations(database)
        for hold_id, hours in (("old", 1), ("new", 48)):
            await ledger.hold(Hold(hold_id, "SKU-1", "L7", 1, None, None, NOW, NOW + timedelta(hours=hours)), 5)

        live, told = LiveHub(), list[LiveEvent]()
        live.on_change(told.append)

        later = NOW + timedelta(hours=2)
        sweeping = asyncio.create_task(sweep_lapsed_holds(ledger, lambda: later, live, crosswalk(), every_s=0.01))
        while not told or (await ledger.holds(["old"]))[0].status is not HoldStatus.EXPIRED:  # type: ignore[union-attr]
            await asyncio.sleep(0.01)
        sweeping.cancel()

        assert [h.status if h else None for h in await ledger.holds(["old", "new"])] == [
            HoldStatus.EXPIRED, HoldStatus.ACTIVE]
        stock = [event for event in told if isinstance(event, StockChanged)]
        assert stock[:1] == [StockChanged("3601234567890", "L7", later)]  # keyed by GTIN, as every stock event


async def test_each_hold_the_sweep_marks_is_told_to_its_stores_subscribers(tmp_path: Path) -> None:
    async with open_database(tmp_path / "ledger.sqlite3") as database:
        ledger = LedgerReservations(database)
        await ledger.hold(Hold("old", "SKU-1", "L7", 1, None, None, NOW, NOW + timedelta(hours=1)), 5)
        hub = LiveHub()
        async with hub.stream(lambda _: True) as told:
            sweeping = asyncio.create_task(sweep_lapsed_holds(ledger, lambda: NOW + timedelta(hours=2), hub,
                                                              crosswalk(), every_s=0.01))
            event = await anext(told)
            sweeping.cancel()

        assert event == ReservationChanged(ChangeKind.UPDATED, "old", "L7", NOW + timedelta(hours=2))
