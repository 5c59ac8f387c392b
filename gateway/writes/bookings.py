"""Appointments written to the store system's book (today Square Bookings), each call one span.

Kept apart from `Ledger`: the booking itself lives in the POS, which the gateway does not own; what the POS
cannot hold (the channel, the store's answer) goes to the ledger instead.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace

from connectors.domain import Appointment, NewBooking, System
from connectors.ports import AppointmentBookings

TRACER = trace.get_tracer("omnigate.writes")
KEY_PREFIX = "omnigate-appointment-"


def booking_key(scope: str, key: str) -> str:
    """The POS's idempotency key for a caller's request: derived from their own (scope, key), so a retry after
    a lost answer books nothing twice, and short (a hash) whatever the caller's key (Square allows 255)."""
    return KEY_PREFIX + hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


def decline_key(appointment_id: str) -> str:
    """One cancellation per appointment, however often the store declines it."""
    return f"omnigate-decline-{appointment_id}"


class Bookings:
    def __init__(self, bookings: AppointmentBookings) -> None:
        self._bookings = bookings

    async def book(self, booking: NewBooking) -> Appointment | None:
        """None when the POS knows no customer with the card; raises ConnectorError when it refuses or is down."""
        with _span("book"):
            return await self._bookings.book(booking)

    async def cancel(self, appointment_id: str) -> Appointment | None:
        """Frees the slot of a declined appointment; raises ConnectorError when the POS refuses or is down."""
        with _span("cancel"):
            return await self._bookings.cancel(appointment_id, decline_key(appointment_id))


@contextmanager
def _span(write: str) -> Iterator[None]:
    with TRACER.start_as_current_span(f"{System.POS.value} {write}_booking", attributes={
            "omnigate.system": System.POS.value, "omnigate.write": f"{write}_booking", "omnigate.batch.size": 1}):
        yield
