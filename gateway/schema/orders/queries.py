"""`order(id:)`, `pendingAppointments` and `overdueAppointments`."""

from datetime import timedelta

import strawberry
from strawberry.types import Info

from connectors.domain import AppointmentStatus

from ...auth import guards
from ...context import Context
from ..partial import EmptyWhenUpstreamDown
from ..relay import parse_global_id
from .services import Appointment, is_overdue
from .types import Order, load_order

OVERDUE_LOOKBACK = timedelta(days=31)
OVERDUE_LOOKAHEAD = timedelta(days=31)


@strawberry.type
class OrderQueries:
    @strawberry.field(description="Staff, or the customer who placed it.")
    async def order(self, info: Info[Context, None], id: strawberry.ID) -> Order | None:
        _, order_id = parse_global_id(id, "Order")
        return await load_order(info, order_id)

    @strawberry.field(description="Staff and store kiosks: appointment requests with no answer yet, the one to "
                                  "answer first (earliest respondBy, so the overdue ones) first. Staff of a store and "
                                  "the store's kiosk see their store's.",
                      extensions=[EmptyWhenUpstreamDown(lambda _: [])])
    async def pending_appointments(self, info: Info[Context, None],
                                   store_id: strawberry.ID | None = None) -> list[Appointment]:
        found = await _requests(info, store_id)
        return sorted(found, key=lambda a: a.respond_by)

    @strawberry.field(description="Staff and store kiosks: appointment requests past their respondBy with no "
                                  "answer. Staff of a store and the store's kiosk see their store's.",
                      extensions=[EmptyWhenUpstreamDown(lambda _: [])])
    async def overdue_appointments(self, info: Info[Context, None],
                                   store_id: strawberry.ID | None = None) -> list[Appointment]:
        now = info.context.now
        return [a for a in await _requests(info, store_id) if is_overdue(a, now)]


async def _requests(info: Info[Context, None], store_id: strawberry.ID | None) -> list[Appointment]:
    """The unanswered requests the principal may see at the store asked (or at theirs), oldest first."""
    asked = parse_global_id(store_id, "Store")[1] if store_id else None
    codes = guards.appointment_stores(info.context.principal, asked)
    now = info.context.now
    found = await info.context.reads.appointments_at(codes, now - OVERDUE_LOOKBACK, now + OVERDUE_LOOKAHEAD)
    visible = await Appointment.visible(info, sorted(found, key=lambda a: a.created_at))
    return [a for a in visible if a.status is AppointmentStatus.REQUESTED]
