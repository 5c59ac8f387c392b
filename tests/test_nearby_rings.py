"""Which stores `nearestAvailability` asks about first: every asked store is a stock key and, the POS counting
every variation at every store asked, part of its pages; a 100-article partner read multiplies both."""

from datetime import time

from connectors.domain import Address, GeoPoint, OpeningPeriod, Store
from gateway.geo import Nearby
from gateway.schema.products.nearby import Reach, rings


def estate(count: int) -> list[Nearby]:
    return [Nearby(Store(f"S{n:03d}", f"Store {n}", Address("1 rue", "75001", "Paris", "FR"), GeoPoint(48.8, 2.3),
                         "Europe/Paris", (OpeningPeriod(0, time(9), time(19)),), frozenset({"PICKUP"})), float(n))
            for n in range(count)]


def sizes(reach: Reach, first: int) -> list[int]:
    return [len(ring) for ring in rings(reach, first)]


def test_stores_the_index_vouches_for_are_asked_with_one_spare_then_in_doubling_rings() -> None:
    assert sizes(Reach(estate(40), vouched=True), 5) == [6, 12, 22]


def test_without_the_index_three_stores_are_asked_per_store_wanted() -> None:
    assert sizes(Reach(estate(40)), 5) == [15, 25]


def test_rings_keep_the_nearest_first_and_ask_each_store_once() -> None:
    nearby = estate(30)
    asked = [n for ring in rings(Reach(nearby, vouched=True), 5) for n in ring]
    assert asked == nearby
