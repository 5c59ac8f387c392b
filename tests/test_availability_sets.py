"""The availability index's sets alone: sellable = the POS's IN_STOCK less the active holds, more than zero."""

from datetime import UTC, datetime, timedelta

from gateway.availability import SellableSets
from gateway.availability.sets import HeldUnits

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def sets() -> SellableSets:
    found = SellableSets(["B-2", "A-1", "C-3"], ["L1", "L2"])
    found.set_counts([("A-1", "L1", 3), ("B-2", "L1", 1), ("C-3", "L2", 5), ("B-2", "L2", 0), ("X-9", "L1", 4)])
    return found


def skus(found: SellableSets, stores: list[str]) -> list[str]:
    return [found.skus[n] for n in found.sellable_in(stores)]


def test_counts_make_the_sets_in_sku_order_and_unknown_skus_or_stores_are_ignored() -> None:
    found = sets()
    found.set_count("A-1", "L9", 2)
    assert skus(found, ["L1"]) == ["A-1", "B-2"] and skus(found, ["L1", "L2"]) == ["A-1", "B-2", "C-3"]
    assert found.after("A-1") == 1 and found.after(None) == 0 and found.after("B-3") == 2


def test_holds_take_off_what_they_hold_and_a_count_changes_the_arithmetic() -> None:
    found = sets()
    found.set_holds("L1", [("A-1", HeldUnits("h1", 2, NOW + timedelta(hours=1)))], NOW)
    assert found.needs_count("L1") == ["A-1"]  # only held pairs keep their count: it is read again
    found.set_count("A-1", "L1", 3)
    assert found.can_sell("A-1", "L1")  # 3 - 2
    found.set_holds("L1", [("A-1", HeldUnits("h1", 2, NOW + timedelta(hours=1))),
                           ("A-1", HeldUnits("h2", 1, NOW + timedelta(hours=2)))], NOW)
    assert not found.can_sell("A-1", "L1")  # 3 - 3
    found.set_count("A-1", "L1", 4)  # a return at the till
    assert found.can_sell("A-1", "L1")
    found.set_holds("L1", [], NOW)  # every hold given back
    assert found.can_sell("A-1", "L1") and found.needs_count("L1") == []


def test_a_hold_on_a_pair_whose_count_is_unknown_hides_it_until_counted() -> None:
    found = sets()
    found.set_holds("L1", [("B-2", HeldUnits("h1", 1, NOW + timedelta(hours=1)))], NOW)
    assert not found.can_sell("B-2", "L1") and found.needs_count("L1") == ["B-2"]
    found.set_count("B-2", "L1", 2)
    assert found.can_sell("B-2", "L1") and found.needs_count("L1") == []


def test_a_hold_stops_counting_at_its_expiry() -> None:
    found = sets()
    found.set_count("A-1", "L1", 1)
    found.set_holds("L1", [("A-1", HeldUnits("h1", 1, NOW + timedelta(minutes=5)))], NOW)
    found.lapse(NOW + timedelta(minutes=4))
    assert not found.can_sell("A-1", "L1")
    found.lapse(NOW + timedelta(minutes=5))
    assert found.can_sell("A-1", "L1")
