"""Changes as they happen: what the back offices push and what Omnigate itself writes, told to this process's
listeners (cache invalidation, the availability index, GraphQL subscriptions) and to every replica's."""

from .events import AppointmentChanged, ChangeKind, LiveEvent, OrderChanged, ReservationChanged, StockChanged
from .hub import LiveHub, SlowConsumer

__all__ = ["AppointmentChanged", "ChangeKind", "LiveEvent", "LiveHub", "OrderChanged", "ReservationChanged",
           "SlowConsumer", "StockChanged"]
