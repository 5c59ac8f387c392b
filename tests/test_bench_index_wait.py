"""The benchmark waits for a gateway's availability index before warming it up (bench/compare/index_wait.py):
until `/status` says built, within a bound that ends with a message saying why."""

import pytest

from bench.compare.index_wait import IndexNotBuilt, until_index_built
from bench.compare.targets import Target
from simulators.world import World
from tests.harness import STAFF, Stack, running_stack

SLOW = {"OMNIGATE_AVAILABILITY_AT_START": "true", "OMNIGATE_AVAILABILITY_READS_PER_S": "0.5"}


def target_of(stack: Stack) -> Target:
    return Target("omnigate", 1, f"{stack.gateway_url}/graphql", lambda: [], lambda _s, _d: {},
                  (f"{stack.gateway_url}/status", STAFF))


async def test_it_returns_once_the_index_is_built(stack: Stack) -> None:
    await until_index_built(target_of(stack), timeout_s=30)  # the `stack` fixture has built it


async def test_a_build_that_outlasts_the_bound_stops_the_run_saying_why(live_world: World) -> None:
    async with running_stack(live_world, SLOW) as stack:
        with pytest.raises(IndexNotBuilt, match=r"availability index was not built within 1 s.*WARMING_UP"):
            await until_index_built(target_of(stack), timeout_s=1)


async def test_a_target_without_status_is_not_waited_for() -> None:
    await until_index_built(Target("mesh", 1, "http://127.0.0.1:1/graphql", lambda: [], lambda _s, _d: {}), 0)
