"""`requestAppointment`: a signed-in customer asks a store for a slot; the POS books it (Square Bookings,
status PENDING until the store answers through `respondToAppointment`)."""

from datetime import datetime, timedelta

import strawberry
from strawberry.types import Info

from connectors.domain import Channel, NewBooking, Store
from connectors.errors import ConnectorError, UpstreamAuthFailed, UpstreamRejected

from ...auth import guards
from ...auth.principals import Principal, Role
from ...context import Context
from ...errors import GatewayError, UserErrorCode
from ...hours import is_open
from ...live import AppointmentChanged, ChangeKind
from ...writes.bookings import booking_key
from ...writes.outcome import Outcome
from ..relay import parse_global_id
from ..stores.types import StoreService
from .appointment_payload import AppointmentPayload

MAX_TOPIC_LENGTH = 200
# A customer's appointments are read up to two months ahead (the POS adapter's window): a request further out
# would be booked and then not shown to them.
MAX_AHEAD = timedelta(days=60)
# The channel is the caller's, never the client's say: a customer's token comes from the mobile app.
CHANNEL_OF = {Role.CUSTOMER: Channel.MOBILE_APP}


@strawberry.input
class AppointmentInput:
    idempotency_key: str
    store_id: strawberry.ID
    sku: str | None = None
    topic: str
    requested_for: datetime


def channel_of(principal: Principal) -> Channel:
    return CHANNEL_OF.get(principal.role, Channel.WEB)


async def request_appointment(info: Info[Context, None], input: AppointmentInput) -> AppointmentPayload:
    """Who may is decided before the key is claimed; the rest runs once per idempotency key."""
    ctx = info.context
    guards.check_appointment_requester(ctx.principal)
    inputs = {"storeId": str(input.store_id), "sku": input.sku, "topic": input.topic,
              "requestedFor": input.requested_for.isoformat()}
    outcome = await ctx.ledger.once(ctx.principal.rate_key, input.idempotency_key, "requestAppointment", inputs,
                                    ctx.now, lambda: _request(info, input))
    return await AppointmentPayload.of(info, outcome)


async def _request(info: Info[Context, None], input: AppointmentInput) -> Outcome:
    ctx = info.context
    store = await _store(info, input.store_id)
    if isinstance(store, Outcome):
        return store
    refused = _check_time(store, input.requested_for, ctx.now) or _check_topic(input.topic)
    if refused is not None:
        return refused
    sku = None
    if input.sku is not None:
        sku = (await ctx.reference.crosswalk.get()).canonical_sku(input.sku)
        if sku is None or await ctx.loaders.product_by_sku.load(sku) is None:
            return Outcome.refused(UserErrorCode.NOT_FOUND, "no such article", "input", "sku")
    assert ctx.principal.subject is not None  # the guard let only a signed-in customer through
    try:
        customer = await ctx.loaders.customer_by_id.load(ctx.principal.subject)
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the CRM could not be read; retry")
    if customer is None or customer.loyalty_card is None:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "the store keeps appointments by loyalty card, and this "
                                                        "customer has none")
    booking = NewBooking(store.code, input.requested_for, customer.loyalty_card, " ".join(input.topic.split()),
                         sku, booking_key(ctx.principal.rate_key, input.idempotency_key))
    try:
        booked = await ctx.bookings.book(booking)
    except UpstreamAuthFailed:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the POS did not book the appointment; retry")
    except UpstreamRejected:
        return Outcome.refused(UserErrorCode.INVALID, "the store's booking system refused this slot", "input",
                               "requestedFor")
    except ConnectorError:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the POS did not book the appointment; retry")
    if booked is None:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "the store's booking system does not know this customer's "
                                                        "loyalty card yet; retry later")
    await ctx.ledger.record_channel(booked.id, channel_of(ctx.principal))
    ctx.loaders.appointments_by_card.forget(customer.loyalty_card)
    ctx.live.publish(AppointmentChanged(ChangeKind.CREATED, booked.id, store.code, ctx.now))
    return Outcome(record_id=booked.id)


async def _store(info: Info[Context, None], store_id: strawberry.ID) -> Store | Outcome:
    try:
        _, code = parse_global_id(store_id, "Store")
    except GatewayError:
        return Outcome.refused(UserErrorCode.INVALID, "storeId is not the id of a store", "input", "storeId")
    store = (await info.context.reference.stores.get()).by_code.get(code)
    if store is None or not store.active:
        return Outcome.refused(UserErrorCode.NOT_FOUND, "no such store", "input", "storeId")
    if StoreService.APPOINTMENTS.value not in store.services:
        return Outcome.refused(UserErrorCode.SERVICE_NOT_OFFERED, "this store does not take appointments",
                               "input", "storeId")
    return store


def _check_time(store: Store, at: datetime, now: datetime) -> Outcome | None:
    """In the store's opening hours, in its own time zone; an instant without its UTC offset is ambiguous."""
    problem = None
    if at.tzinfo is None:
        problem = "requestedFor must carry its UTC offset"
    elif at <= now:
        problem = "requestedFor is in the past"
    elif at > now + MAX_AHEAD:
        problem = f"requestedFor is more than {MAX_AHEAD.days} days ahead"
    elif not is_open(store, at):
        problem = f"the store is closed then (opening hours in {store.timezone})"
    return Outcome.refused(UserErrorCode.INVALID, problem, "input", "requestedFor") if problem else None


def _check_topic(topic: str) -> Outcome | None:
    text = " ".join(topic.split())
    if not text:
        return Outcome.refused(UserErrorCode.INVALID, "topic must not be empty", "input", "topic")
    if len(text) > MAX_TOPIC_LENGTH:
        return Outcome.refused(UserErrorCode.INVALID, f"topic must be at most {MAX_TOPIC_LENGTH} characters",
                               "input", "topic")
    return None
