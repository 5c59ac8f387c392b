"""The StoreDirectory contract (today the POS's)."""

from typing import cast

import pytest

from connectors.ports import StoreDirectory
from simulators.world import World

from .conftest import Upstream, implementation


@pytest.fixture(params=["pos"])
def directory(request: pytest.FixtureRequest) -> Upstream[StoreDirectory]:
    return cast(Upstream[StoreDirectory], implementation(request))


async def test_stores_are_every_store_of_the_world_once(directory: Upstream[StoreDirectory], world: World) -> None:
    codes = [s.code for s in await directory.adapter.stores()]

    assert sorted(codes) == sorted(s.code for s in world.stores)
