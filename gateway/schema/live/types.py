"""The event types subscribers receive: the kind of change and the object as the subscriber may read it now."""

from datetime import datetime

import strawberry

from ...live import ChangeKind
from ..orders.reservation import Reservation
from ..orders.services import Appointment
from ..orders.types import Order
from ..stores.types import StoreAvailability

strawberry.enum(ChangeKind, description="Whether the event made the object or changed it.")


@strawberry.type(description="An appointment request made or changed, as the subscriber may read it now.")
class AppointmentEvent:
    kind: ChangeKind
    occurred_at: datetime
    appointment: Appointment


@strawberry.type(description="A reservation made, collected, cancelled or lapsed, as it is now.")
class ReservationEvent:
    kind: ChangeKind
    occurred_at: datetime
    reservation: Reservation


@strawberry.type(description="Sellable units of one sku at one store changed: the figure now.")
class StockChangeEvent:
    occurred_at: datetime
    sku: str
    availability: StoreAvailability


@strawberry.type(description="One of the customer's orders changed status: the order as it is now.")
class OrderEvent:
    occurred_at: datetime
    order: Order
