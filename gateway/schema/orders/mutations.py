"""The order domain's mutations, each in its own module; this type only names them for the Mutation root."""

import strawberry
from strawberry.types import Info

from ...context import Context
from .appointment_payload import AppointmentPayload
from .cancel_reservation import cancel_reservation
from .collect_order import OrderPayload, collect_order
from .collect_reservation import collect_reservation
from .order_input import PlaceOrderInput
from .place_order import PlaceOrderPayload, place_order
from .request_appointment import AppointmentInput, request_appointment
from .reservation import ReservationPayload
from .reserve_in_store import ReserveInStoreInput, reserve_in_store
from .respond_to_appointment import respond_to_appointment
from .return_in_store import ReturnInput, ReturnPayload, return_in_store


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Web, app or kiosk order: home delivery, click & collect or ship from store. "
                                     "A signed-in customer for themself; a kiosk or staff for a customer they name "
                                     "(`customerId`) or a walk-in guest; a partner with the `orders` scope for "
                                     "guest buyers. The channel is the caller's.")
    async def place_order(self, info: Info[Context, None], input: PlaceOrderInput) -> PlaceOrderPayload:
        return await place_order(info, input)

    @strawberry.mutation(description="Staff, or the pickup store's kiosk: a click & collect order handed over at "
                                     "the counter; the units leave the store's stock at the POS, the order's "
                                     "holds close and the web shop marks it completed. Safe to send again.")
    async def collect_order(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await collect_order(info, id)

    @strawberry.mutation(description="Bring an online order back to a store: the units go back into that store's "
                                     "stock and the web shop refunds them. The customer who ordered, or staff "
                                     "and kiosks at their own store; only a completed order, only what it holds.")
    async def return_in_store(self, info: Info[Context, None], input: ReturnInput) -> ReturnPayload:
        return await return_in_store(info, input)

    @strawberry.mutation(description="A signed-in customer for themself, or a kiosk or staff at their store for "
                                     "a walk-in or a customer they name (a kiosk by the scanned `loyaltyCard`): "
                                     "hold units until collected or `expiresAt`; anonymous callers and partners "
                                     "are refused.")
    async def reserve_in_store(self, info: Info[Context, None], input: ReserveInStoreInput) -> ReservationPayload:
        return await reserve_in_store(info, input)

    @strawberry.mutation(description="The customer who holds it, or a kiosk or staff of its store.")
    async def cancel_reservation(self, info: Info[Context, None], id: strawberry.ID) -> ReservationPayload:
        return await cancel_reservation(info, id)

    @strawberry.mutation(description="Staff, or the store's kiosk: the customer paid at the till; the POS records "
                                     "the sale and the hold closes.")
    async def collect_reservation(self, info: Info[Context, None], id: strawberry.ID) -> ReservationPayload:
        return await collect_reservation(info, id)

    @strawberry.mutation(description="A signed-in customer, for themself: ask a store that takes appointments for "
                                     "a slot in its opening hours (its time zone), at most 60 days ahead. The "
                                     "store answers by respondBy. Kiosks, staff, partners and anonymous callers "
                                     "are refused (the input names no customer: staff book walk-ins in the "
                                     "store's own booking app).")
    async def request_appointment(self, info: Info[Context, None], input: AppointmentInput) -> AppointmentPayload:
        return await request_appointment(info, input)

    @strawberry.mutation(description="Staff: answer an appointment request (staff of a store, their store's "
                                     "only). Declining frees the slot in the store's booking system. Answering "
                                     "again the same way is done already; an answered, cancelled or past request "
                                     "is CONFLICT.")
    async def respond_to_appointment(self, info: Info[Context, None], id: strawberry.ID,
                                     accept: bool) -> AppointmentPayload:
        return await respond_to_appointment(info, id, accept)
