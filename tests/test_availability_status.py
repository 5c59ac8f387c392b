"""Operators see the availability index (issue 17): `/status` says whether it is warming, built or stale, when it
was built and checked, what it holds and its memory; `/metrics` has its age, the pairs it holds and its build's
duration."""

import asyncio
import math
from datetime import datetime
from typing import Any

from gateway.appkeys import REFERENCE_KEY
from simulators.world import World
from tests.harness import STAFF, Stack, running_stack
from tests.test_gateway_metrics import scrape, value
from tests.test_gateway_status import get

SLOW = {"OMNIGATE_AVAILABILITY_AT_START": "true", "OMNIGATE_AVAILABILITY_READS_PER_S": "0.5"}


async def index_status(stack: Stack) -> dict[str, Any]:
    status, _, body = await get(stack, "/status", STAFF)
    assert status == 200
    report = body["availability"]
    assert isinstance(report, dict)
    return report


async def test_while_the_first_build_runs_status_says_warming_and_metrics_say_not_built(live_world: World) -> None:
    async with running_stack(live_world, SLOW) as stack:
        report = await index_status(stack)
        assert report["state"] == "warming"
        assert (report["builtAt"], report["buildS"], report["sellablePairs"], report["memoryBytes"]) == (
            None, None, 0, None)
        samples = await scrape(stack)
        assert value(samples, "omnigate_availability_index_built") == 0
        assert math.isnan(value(samples, "omnigate_availability_index_age_seconds"))
        assert math.isnan(value(samples, "omnigate_availability_index_build_seconds"))


async def test_once_built_status_and_metrics_describe_what_it_holds(stack: Stack) -> None:
    report = await index_status(stack)  # the `stack` fixture has built the index
    crosswalk = await stack.app[REFERENCE_KEY].crosswalk.get()
    active = sum(1 for s in stack.world.stores if s.active)
    assert report["state"] == "built" and report["lastError"] is None
    assert (report["stores"], report["skus"]) == (active, len(set(crosswalk.skus)))
    assert isinstance(report["builtAt"], str) and datetime.fromisoformat(report["builtAt"]).tzinfo is not None
    assert isinstance(report["buildS"], float) and report["buildS"] > 0
    assert isinstance(report["memoryBytes"], int) and report["memoryBytes"] > 0
    assert isinstance(report["posReads"], int) and report["posReads"] >= active  # a page per store at least
    in_stock = sum(1 for s in stack.world.stores if s.active for p in stack.world.products
                   if (f := stack.world.store_stock(s, p)) is not None and f.sellable > 0)
    assert isinstance(report["sellablePairs"], int) and 0 < report["sellablePairs"] <= in_stock

    samples = await scrape(stack)
    assert value(samples, "omnigate_availability_index_built") == 1
    assert value(samples, "omnigate_availability_index_sellable_pairs") == report["sellablePairs"]
    assert abs(value(samples, "omnigate_availability_index_build_seconds") - report["buildS"]) < 0.001
    assert 0 <= value(samples, "omnigate_availability_index_age_seconds") < 60


async def test_checks_are_dated_and_a_pos_that_stops_answering_makes_it_stale(live_world: World) -> None:
    lagging = {"OMNIGATE_AVAILABILITY_CHECK_S": "0.2", "OMNIGATE_AVAILABILITY_STALE_S": "1"}
    async with running_stack(live_world, lagging) as stack:
        await stack.warm()
        for _ in range(100):
            if (report := await index_status(stack))["checkedAt"] is not None:
                break
            await asyncio.sleep(0.1)
        assert report["state"] == "built" and report["checkedAt"] >= report["builtAt"]

        await stack.fault(system="pos", down=True)
        await asyncio.sleep(1.5)
        stale = await index_status(stack)
        assert stale["state"] == "stale" and stale["ageS"] >= 1
        assert isinstance(stale["lastError"], str) and stale["lastError"].startswith("pos")
        assert value(await scrape(stack), "omnigate_availability_index_age_seconds") >= 1
