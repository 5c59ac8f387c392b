"""Opening hours in the store's zone: open now, and when a click & collect order is ready."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from connectors.domain import Address, GeoPoint, OpeningPeriod, Store
from gateway.hours import after_open_time, is_open, pickup_ready_at, stock_status
from gateway.schema.orders.reserve_in_store import hold_expiry

HOUR = timedelta(hours=1)
LYON = Store(code="LYO01", name="Omnigate Lyon", address=Address("1 rue X", "69001", "Lyon", "FR"),
             location=GeoPoint(45.76, 4.84), timezone="Europe/Paris",
             hours=tuple(OpeningPeriod(d, time(9), time(19)) for d in range(6)),  # closed on Sunday
             services=frozenset({"CLICK_AND_COLLECT"}))


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))


def test_open_in_local_time_not_utc() -> None:
    assert is_open(LYON, paris(2026, 11, 24, 9, 30))  # a Tuesday
    assert not is_open(LYON, paris(2026, 11, 24, 8, 30))
    assert not is_open(LYON, paris(2026, 11, 29, 12, 0))  # a Sunday


def test_an_order_placed_while_open_is_ready_after_the_preparation_time() -> None:
    assert pickup_ready_at(LYON, paris(2026, 11, 24, 10, 0), HOUR) == paris(2026, 11, 24, 11, 0)


def test_an_order_placed_too_late_or_when_closed_is_ready_after_the_next_opening() -> None:
    assert pickup_ready_at(LYON, paris(2026, 11, 24, 18, 30), HOUR) == paris(2026, 11, 25, 10, 0)
    assert pickup_ready_at(LYON, paris(2026, 11, 28, 20, 0), HOUR) == paris(2026, 11, 30, 10, 0)  # Sat night


def test_a_closed_down_store_prepares_nothing() -> None:
    assert pickup_ready_at(replace(LYON, active=False), paris(2026, 11, 24, 10, 0), HOUR) is None


def test_stock_status_thresholds() -> None:
    assert [stock_status(q) for q in (0, 1, 3, 4)] == ["OUT_OF_STOCK", "LOW_STOCK", "LOW_STOCK", "IN_STOCK"]



def test_an_answer_window_counts_only_opening_hours() -> None:
    day = 24 * HOUR
    assert after_open_time(LYON, paris(2026, 11, 24, 10, 0), 5 * HOUR) == paris(2026, 11, 24, 15, 0)
    # Tuesday 18:30, half an hour before closing: 0.5 h Tue, 10 h Wed and Thu, the last 3.5 h on Friday
    assert after_open_time(LYON, paris(2026, 11, 24, 18, 30), day) == paris(2026, 11, 27, 12, 30)
    # Saturday night: Sunday is closed, the window starts at Monday's opening
    assert after_open_time(LYON, paris(2026, 11, 28, 20, 0), day) == paris(2026, 12, 2, 13, 0)
    # Saturday 18:30: half an hour on Saturday, nothing on Sunday, 23.5 h from Monday 9:00 on
    assert after_open_time(LYON, paris(2026, 11, 28, 18, 30), day) == paris(2026, 12, 2, 12, 30)


def test_an_answer_window_longer_than_a_week_of_opening_hours_still_ends() -> None:
    assert after_open_time(LYON, paris(2026, 11, 24, 9, 0), 130 * HOUR) == paris(2026, 12, 8, 19, 0)


def test_a_store_without_opening_hours_has_no_answer_window() -> None:
    assert after_open_time(replace(LYON, hours=()), paris(2026, 11, 24, 10, 0), HOUR) is None


def test_a_hold_counts_opening_hours_across_the_change_to_winter_time() -> None:
    """Saturday 24 October 2026 is summer time (UTC+2), Monday the 26th winter time (UTC+1)."""
    saturday = paris(2026, 10, 24, 18, 0)
    assert hold_expiry(LYON, saturday, 2 * HOUR) == paris(2026, 10, 26, 10, 0)
    assert hold_expiry(LYON, saturday, 2 * HOUR).astimezone(UTC).hour == 9
    assert hold_expiry(replace(LYON, hours=()), saturday, 2 * HOUR) == saturday + 2 * HOUR  # no hours: plain ones
