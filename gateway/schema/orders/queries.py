"""`order(id:)` and `overdueAppointments`."""

from datetime import timedelta

import strawberry
from strawberry.types import Info

from ...context import Context
from ..relay import parse_global_id
from .services import Appointment, is_overdue
from .types import Order, purchase_of

OVERDUE_LOOKBACK = timedelta(days=31)
OVERDUE_LOOKAHEAD = timedelta(days=31)


@strawberry.type
class OrderQueries:
    @strawberry.field
    async def order(self, info: Info[Context, None], id: strawberry.ID) -> Order | None:
        _, order_id = parse_global_id(id, "Order")
        found = await info.context.loaders.order_by_id.load(order_id)
        if found is None:
            return None
        return purchase_of(found, await info.context.reference.crosswalk.get())  # type: ignore[return-value]

    @strawberry.field(description="Staff only: appointment requests past their respondBy with no answer.")
    async def overdue_appointments(self, info: Info[Context, None],
                                   store_id: strawberry.ID | None = None) -> list[Appointment]:
        codes = [parse_global_id(store_id, "Store")[1]] if store_id else []
        now = info.context.now
        found = await info.context.backends.appointments.appointments_at(
            codes, now - OVERDUE_LOOKBACK, now + OVERDUE_LOOKAHEAD)
        return [Appointment.of(a) for a in sorted(found, key=lambda a: a.created_at) if is_overdue(a, now)]
