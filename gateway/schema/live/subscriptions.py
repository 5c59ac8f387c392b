"""`Subscription`: appointment requests and reservations of a store, stock changes, a customer's orders.

Who may subscribe is checked when the subscription starts, with the connection's principal (a store that is
not theirs is FORBIDDEN, no credentials UNAUTHENTICATED); each event is then read through the loaders and the
visibility rules of queries, so an event shows nothing its subscriber could not read by query.
"""

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from ...auth import guards
from ...context import Context
from ...errors import bad_input
from ...live import AppointmentChanged, OrderChanged, ReservationChanged, StockChanged
from .. import keys
from ..orders.reservation import Reservation
from ..orders.services import Appointment
from ..orders.types import load_order
from ..orders.visibility import visible
from ..relay import parse_global_id
from ..stores.stock import stock_levels
from ..stores.types import StoreAvailability
from .follow import follow
from .once import read_once
from .types import AppointmentEvent, OrderEvent, ReservationEvent, StockChangeEvent

MAX_STOCK_PAIRS = 50


@strawberry.type
class LiveSubscriptions:
    @strawberry.subscription(description="Staff of the store (or staff with every store) and the store's own "
                                         "kiosk: appointment requests made or changed at this store, on any "
                                         "channel.")
    async def appointment_requests(self, info: Info[Context, None],
                                   store_id: strawberry.ID) -> AsyncGenerator[AppointmentEvent, None]:
        code = await _store_code(info, store_id, kiosk_too=True)

        async def build(event: AppointmentChanged) -> list[AppointmentEvent]:
            found = await read_once(event, "appointment",
                                    lambda: info.context.loaders.appointment_by_id.load(event.appointment_id))
            shown = await Appointment.visible(info, [found]) if found else []
            return [AppointmentEvent(kind=event.kind, occurred_at=event.occurred_at, appointment=a) for a in shown]

        return follow(info, "appointmentRequests", AppointmentChanged, lambda e: e.store_code == code, build)

    @strawberry.subscription(description="Staff of the store: reservations to prepare, collected, cancelled or "
                                         "lapsed there.")
    async def reservation_events(self, info: Info[Context, None],
                                 store_id: strawberry.ID) -> AsyncGenerator[ReservationEvent, None]:
        code = await _store_code(info, store_id, kiosk_too=False)

        async def build(event: ReservationChanged) -> list[ReservationEvent]:
            read = await read_once(event, "holds", lambda: info.context.ledger.holds([event.reservation_id]))
            holds = [h for h in read if h is not None]
            return [ReservationEvent(kind=event.kind, occurred_at=event.occurred_at,
                                     reservation=Reservation.of(h, info.context.now))
                    for h in await visible(info, holds)]

        return follow(info, "reservationEvents", ReservationChanged, lambda e: e.store_code == code, build)

    @strawberry.subscription(description="Anyone who may read stock: sellable units of these skus at these stores "
                                         "each time they change (at most 50 pairs).")
    async def stock_changes(self, info: Info[Context, None], skus: list[str],
                            store_ids: list[strawberry.ID]) -> AsyncGenerator[StockChangeEvent, None]:
        guards.check_scope(info.context.principal, "availability")
        if not skus or not store_ids or len(skus) * len(store_ids) > MAX_STOCK_PAIRS:
            raise bad_input(f"`skus` × `storeIds` must make 1 to {MAX_STOCK_PAIRS} pairs, got "
                            f"{len(skus)} × {len(store_ids)}")
        keys.check_skus(skus)
        codes = {await _known_store(info, parse_global_id(store_id, "Store")[1]) for store_id in store_ids}
        crosswalk = await info.context.reference.crosswalk.get()
        asked: dict[str, list[str]] = {}
        for sku in dict.fromkeys(skus):
            gtin = crosswalk.gtin_of.get(crosswalk.canonical_sku(sku) or "")
            if gtin is not None:
                asked.setdefault(gtin, []).append(sku)

        async def build(event: StockChanged) -> list[StockChangeEvent]:
            store = (await info.context.reference.stores.get()).by_code[event.store_code]
            wanted = asked[event.item]
            pairs = tuple((sku, event.store_code) for sku in wanted)
            levels = await read_once(event, pairs, lambda: stock_levels(info, pairs))
            return [StockChangeEvent(occurred_at=event.occurred_at, sku=sku,
                                     availability=StoreAvailability.of(info, store, level, sku=sku))
                    for sku, level in zip(wanted, levels, strict=True)]

        return follow(info, "stockChanges", StockChanged,
                      lambda e: e.store_code in codes and e.item in asked, build)

    @strawberry.subscription(description="A customer: status changes of their own orders (ready for pickup, "
                                         "shipped, completed, refunded).")
    async def my_order_updates(self, info: Info[Context, None]) -> AsyncGenerator[OrderEvent, None]:
        crm_id = guards.order_subscriber(info.context.principal)

        async def build(event: OrderChanged) -> list[OrderEvent]:
            order = await load_order(info, event.order_id)
            return [OrderEvent(occurred_at=event.occurred_at, order=order)] if order else []

        return follow(info, "myOrderUpdates", OrderChanged, lambda e: e.customer_id == crm_id, build)


async def _store_code(info: Info[Context, None], store_id: strawberry.ID, kiosk_too: bool) -> str:
    """The store whose events the principal may follow (checked before the directory is read)."""
    _, code = parse_global_id(store_id, "Store")
    guards.check_store_subscriber(info.context.principal, code, kiosk_too)
    return await _known_store(info, code)


async def _known_store(info: Info[Context, None], code: str) -> str:
    """A store of the directory; a code of no store is the client's error."""
    if code not in (await info.context.reference.stores.get()).by_code:
        raise bad_input(f"no store has the code {code!r}")
    return code
