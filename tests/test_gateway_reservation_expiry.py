"""A hold lapses after OMNIGATE_RESERVATION_HOLD_HOURS of the store's opening hours (a clock set by the test)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from simulators.world import World
from simulators.world.records import DemoProduct
from tests.harness import Stack, running_stack
from tests.test_gateway_reservations import NODE, STORE, customer, reserve
from tests.test_gateway_reservations_stock import seen_by_kiosk

PARIS = ZoneInfo("Europe/Paris")
SATURDAY_EVENING = datetime(2026, 12, 12, 18, 0, tzinfo=PARIS)
OPEN_ON_SUNDAY = "MON01"  # Mon-Sat 09:30-20:00, Sunday 10:00-13:00; MAR01 is Mon-Sat 10:00-19:30, closed Sunday


class SetClock:
    """The gateway's clock, at exactly the moment the test sets."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)


@pytest.fixture
async def clock() -> SetClock:
    return SetClock(SATURDAY_EVENING)


@pytest.fixture
async def set_stack(live_world: World, clock: SetClock) -> AsyncIterator[Stack]:
    async with running_stack(live_world, clock=clock) as stack:
        await stack.warm()
        yield stack


@pytest.fixture
async def two_hour_stack(live_world: World, clock: SetClock) -> AsyncIterator[Stack]:
    async with running_stack(live_world, {"OMNIGATE_RESERVATION_HOLD_HOURS": "2"}, clock=clock) as stack:
        await stack.warm()
        yield stack


def in_stock_at(stack: Stack, code: str) -> tuple[DemoProduct, int]:
    store = stack.world.store_by_code[code]
    for product in stack.world.products:
        figure = stack.world.store_stock(store, product)
        if figure is not None and 2 <= figure.sellable <= 5:
            return product, figure.sellable
    raise AssertionError(f"no article with a few units left at {code}")


async def test_48_opening_hours_from_saturday_evening_run_to_friday(set_stack: Stack) -> None:
    closed_sunday, _ = in_stock_at(set_stack, STORE)
    open_sunday, _ = in_stock_at(set_stack, OPEN_ON_SUNDAY)

    here = await reserve(set_stack, customer(), sku=closed_sunday.sku, key="mar")
    there = await reserve(set_stack, customer(), sku=open_sunday.sku, key="mon", store=OPEN_ON_SUNDAY)

    # MAR01: Sat 1.5 h + Mon-Thu 4 x 9.5 h = 39.5 h, then 8.5 h of Friday from 10:00
    assert here["reservation"]["expiresAt"] == "2026-12-18T17:30:00+00:00"  # 18:30 in Paris
    # MON01: Sat 2 h + Sun 3 h + Mon-Thu 4 x 10.5 h = 47 h, then 1 h of Friday from 09:30
    assert there["reservation"]["expiresAt"] == "2026-12-18T09:30:00+00:00"  # 10:30 in Paris


async def test_a_saturday_evening_hold_does_not_lapse_on_sunday_and_gives_its_units_back_after(
        two_hour_stack: Stack, clock: SetClock) -> None:
    product, left = in_stock_at(two_hour_stack, STORE)
    clock.at = SATURDAY_EVENING + timedelta(minutes=30)  # one hour before closing

    held = (await reserve(two_hour_stack, customer(), sku=product.sku, quantity=left))["reservation"]

    assert held["expiresAt"] == "2026-12-14T10:00:00+00:00"  # Monday 11:00 in Paris: an hour after opening
    for moment, status, sellable in ((datetime(2026, 12, 13, 23, 0, tzinfo=PARIS), "ACTIVE", 0),
                                     (datetime(2026, 12, 14, 10, 59, tzinfo=PARIS), "ACTIVE", 0),
                                     (datetime(2026, 12, 14, 11, 0, tzinfo=PARIS), "EXPIRED", left)):
        clock.at = moment
        node = (await two_hour_stack.data(NODE, {"id": held["id"]}, customer()))["node"]
        assert (node["status"], (await seen_by_kiosk(two_hour_stack, product))[0]) == (status, sellable), moment
