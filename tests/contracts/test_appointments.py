"""The Appointments contract (today the POS's): by id, by card and by window, the same appointments."""

from datetime import timedelta
from typing import cast

import pytest

from connectors.ports import Appointments
from simulators.world import World

from .batches import assert_batch_contract
from .conftest import Upstream, implementation


@pytest.fixture(params=["pos"])
def appointments(request: pytest.FixtureRequest) -> Upstream[Appointments]:
    return cast(Upstream[Appointments], implementation(request))


async def test_appointments_of_cards_and_by_id_agree_soonest_first(appointments: Upstream[Appointments],
                                                                   world: World) -> None:
    cards = [str(c.card) for c in world.customers if c.card][:40]
    port = appointments.adapter

    booked = await assert_batch_contract(appointments, port.appointments_of, cards, "LC-NOBODY", ())
    known = [a for of_card in booked for a in of_card][:20]
    appointments.control.reset_stats()
    by_id = await assert_batch_contract(appointments, port.appointments, [a.id for a in known], "NO-SUCH-ID", None)

    assert by_id == known
    assert all(list(b) == sorted(b, key=lambda a: a.requested_for) for b in booked)


async def test_appointments_at_start_in_the_window_at_the_stores_named(appointments: Upstream[Appointments],
                                                                       world: World) -> None:
    store = world.stores[0].code
    start, end = world.now - timedelta(days=40), world.now + timedelta(days=40)

    everywhere = await appointments.adapter.appointments_at([], start, end)
    here = await appointments.adapter.appointments_at([store], start, end)

    assert here and all(start <= a.requested_for < end for a in everywhere)
    assert sorted(a.id for a in here) == sorted(a.id for a in everywhere if a.store_code == store)
