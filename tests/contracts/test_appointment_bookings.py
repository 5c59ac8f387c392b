"""The AppointmentBookings contract (today the POS's, Square Bookings): a request booked once per key, read
back with its topic, article and card; a cancel frees the slot once and answers a closed booking as it is."""

from datetime import timedelta
from typing import cast

import pytest

from connectors.domain import AppointmentStatus, NewBooking
from connectors.ports import AppointmentBookings, Appointments
from simulators.world import World

from .conftest import Upstream, implementation

STORE = "PAR01"  # takes appointments


@pytest.fixture(params=["pos"])
def bookings(request: pytest.FixtureRequest) -> Upstream[AppointmentBookings]:
    return cast(Upstream[AppointmentBookings], implementation(request))


def a_request(world: World, key: str = "contract-1", card: str | None = None) -> NewBooking:
    card = card or next(str(c.card) for c in world.customers if c.card)
    return NewBooking(STORE, world.now + timedelta(days=3), card, "Bike fitting for two", world.products[0].sku, key)


async def test_a_request_is_booked_once_per_key_and_read_back_whole(bookings: Upstream[AppointmentBookings],
                                                                     world: World) -> None:
    asked = a_request(world)

    booked = await bookings.adapter.book(asked)
    again = await bookings.adapter.book(asked)

    assert booked is not None and again == booked
    assert (booked.store_code, booked.requested_for, booked.topic, booked.sku, booked.customer_card, booked.status) \
        == (STORE, asked.requested_for, asked.topic, asked.sku, asked.customer_card, AppointmentStatus.REQUESTED)
    reader = cast(Appointments, bookings.adapter)
    assert await reader.appointments([booked.id]) == [booked]
    [of_card] = await reader.appointments_of([asked.customer_card])
    assert booked in of_card
    assert await bookings.adapter.book(a_request(world, "contract-2", card="LC-NOBODY")) is None


async def test_a_cancel_frees_the_slot_once(bookings: Upstream[AppointmentBookings], world: World) -> None:
    booked = await bookings.adapter.book(a_request(world, "contract-3"))
    assert booked is not None

    cancelled = await bookings.adapter.cancel(booked.id, "cancel-1")
    again = await bookings.adapter.cancel(booked.id, "cancel-1")

    assert cancelled is not None and cancelled.status is AppointmentStatus.CANCELLED
    assert again == cancelled
    assert await bookings.adapter.cancel("nosuchbooking", "cancel-2") is None
