"""The Wishlists contract (today the web shop's)."""

from typing import cast

import pytest

from connectors.ports import Wishlists
from simulators.world import World

from .batches import assert_batch_contract
from .conftest import Upstream, implementation


@pytest.fixture(params=["webshop"])
def wishlists(request: pytest.FixtureRequest) -> Upstream[Wishlists]:
    return cast(Upstream[Wishlists], implementation(request))


async def test_wishlists_are_aligned_oldest_entry_first(wishlists: Upstream[Wishlists], world: World) -> None:
    ids = [str(c.webshop_id) for c in world.customers if c.webshop_id is not None][:20]

    found = await assert_batch_contract(wishlists, wishlists.adapter.wishlists, ids, "999999", None)

    assert all(list(w) == sorted(w, key=lambda e: e.added_at) for w in found if w)
