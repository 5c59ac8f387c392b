"""The Receipts contract (today the POS's): a receipt read by id is the one in its card holder's history."""

from typing import cast

import pytest

from connectors.ports import Receipts
from simulators.world import World

from .batches import assert_batch_contract
from .conftest import Upstream, implementation


@pytest.fixture(params=["pos"])
def receipts(request: pytest.FixtureRequest) -> Upstream[Receipts]:
    return cast(Upstream[Receipts], implementation(request))


async def test_receipts_of_cards_and_by_id_agree_newest_first(receipts: Upstream[Receipts], world: World) -> None:
    cards = [str(c.card) for c in world.customers if c.card][:15]

    histories = await assert_batch_contract(receipts, receipts.adapter.receipts_of, cards, "LC-NOBODY", ())
    known = [p for history in histories for p in history][:20]
    receipts.control.reset_stats()
    by_id = await assert_batch_contract(receipts, receipts.adapter.receipts_by_id, [p.id for p in known],
                                        "NO-SUCH-RECEIPT", None)

    assert by_id == known
    assert all(list(h) == sorted(h, key=lambda p: p.occurred_at, reverse=True) for h in histories)
