"""The Square SDK (`squareup`) pointed at the POS simulator, and a strict check of its answers against the SDK's models.

The SDK parses answers without validating them (Fern's `construct_type`: every field optional, unknown
fields kept), so a renamed or invented field would pass unnoticed. Every raw answer the SDK receives is
recorded and checked here instead: pydantic validates it against the SDK's response model for that route
(types and shapes), no object may carry a field the model lacks, enum values must be among the SDK's,
no field is an explicit null, the fields Omnigate reads must be present, and the model must dump back to
the very same JSON.

The client asks for the Square version the sheet and the adapter pin (2025-08-20); the SDK's models
follow a later one (2026-09-16), identical for everything checked here but one field, listed in RETIRED.
"""

import re
import typing
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pydantic
from square import AsyncSquare
from square.types.address import Address
from square.types.appointment_segment import AppointmentSegment
from square.types.batch_change_inventory_response import BatchChangeInventoryResponse
from square.types.batch_get_catalog_objects_response import BatchGetCatalogObjectsResponse
from square.types.batch_get_inventory_counts_response import BatchGetInventoryCountsResponse
from square.types.batch_get_orders_response import BatchGetOrdersResponse
from square.types.booking import Booking
from square.types.bulk_retrieve_customers_response import BulkRetrieveCustomersResponse
from square.types.business_hours_period import BusinessHoursPeriod
from square.types.cancel_booking_response import CancelBookingResponse
from square.types.catalog_item import CatalogItem
from square.types.catalog_item_variation import CatalogItemVariation
from square.types.catalog_object import CatalogObject_Item, CatalogObject_ItemVariation
from square.types.coordinates import Coordinates
from square.types.create_booking_response import CreateBookingResponse
from square.types.create_webhook_subscription_response import CreateWebhookSubscriptionResponse
from square.types.customer import Customer
from square.types.delete_webhook_subscription_response import DeleteWebhookSubscriptionResponse
from square.types.error import Error
from square.types.get_booking_response import GetBookingResponse
from square.types.get_customer_response import GetCustomerResponse
from square.types.get_location_response import GetLocationResponse
from square.types.get_webhook_subscription_response import GetWebhookSubscriptionResponse
from square.types.inventory_adjustment import InventoryAdjustment
from square.types.inventory_count import InventoryCount
from square.types.list_bookings_response import ListBookingsResponse
from square.types.list_locations_response import ListLocationsResponse
from square.types.list_webhook_subscriptions_response import ListWebhookSubscriptionsResponse
from square.types.location import Location
from square.types.loyalty_account import LoyaltyAccount
from square.types.money import Money
from square.types.order import Order
from square.types.order_line_item import OrderLineItem
from square.types.search_catalog_objects_response import SearchCatalogObjectsResponse
from square.types.search_customers_response import SearchCustomersResponse
from square.types.search_events_response import SearchEventsResponse
from square.types.search_loyalty_accounts_response import SearchLoyaltyAccountsResponse
from square.types.search_orders_response import SearchOrdersResponse
from square.types.test_webhook_subscription_response import TestWebhookSubscriptionResponse
from square.types.update_webhook_subscription_response import UpdateWebhookSubscriptionResponse
from square.types.update_webhook_subscription_signature_key_response import (
    UpdateWebhookSubscriptionSignatureKeyResponse,
)
from square.types.webhook_subscription import WebhookSubscription

from connectors.pos.square_client import SQUARE_VERSION

Json = dict[str, Any]
Model = type[pydantic.BaseModel]

# The fields (the SDK's attribute names) Omnigate's adapter reads, or the sheet promises, per SDK model:
# Square's models make every field optional, so only this notices one left out.
READ_BY_OMNIGATE: dict[Model, tuple[str, ...]] = {
    Location: ("id", "name", "status", "timezone", "coordinates", "address", "business_hours"),
    Address: ("address_line1", "locality", "postal_code", "country"),
    Coordinates: ("latitude", "longitude"),
    BusinessHoursPeriod: ("day_of_week", "start_local_time", "end_local_time"),
    CatalogObject_ItemVariation: ("id", "version", "item_variation_data"),
    CatalogItemVariation: ("item_id", "name", "sku", "upc", "pricing_type"),
    CatalogObject_Item: ("id", "item_data"),
    CatalogItem: ("name",),
    InventoryCount: ("catalog_object_id", "catalog_object_type", "state", "location_id", "quantity", "calculated_at"),
    Order: ("id", "location_id", "state", "created_at", "line_items", "total_money"),
    OrderLineItem: ("quantity", "catalog_object_id", "base_price_money"),
    Customer: ("id", "reference_id", "given_name", "family_name"),
    LoyaltyAccount: ("id", "program_id", "customer_id", "balance", "mapping"),
    Booking: ("id", "version", "status", "start_at", "location_id", "created_at", "appointment_segments"),
    AppointmentSegment: ("service_variation_id", "team_member_id", "duration_minutes"),
    Money: ("amount", "currency"),
    Error: ("category", "code", "detail"),
    WebhookSubscription: ("id", "enabled", "event_types", "notification_url", "api_version"),
}

# Fields of the sheet's version that the SDK's later models no longer have (Square changelog 2026-07-15:
# an adjustment names its store by from_location_id / to_location_id, InventoryAdjustment.location_id retired).
RETIRED: dict[Model, frozenset[str]] = {InventoryAdjustment: frozenset({"location_id"})}

# "METHOD path" (without the simulator's /pos prefix) -> the SDK's model of that answer, errors included.
RESPONSE_MODELS: list[tuple[str, Model]] = [
    (r"GET /v2/locations", ListLocationsResponse),
    (r"GET /v2/locations/[^/]+", GetLocationResponse),
    (r"POST /v2/catalog/search", SearchCatalogObjectsResponse),
    (r"POST /v2/catalog/batch-retrieve", BatchGetCatalogObjectsResponse),
    (r"POST /v2/inventory/counts/batch-retrieve", BatchGetInventoryCountsResponse),
    (r"POST /v2/inventory/changes/batch-create", BatchChangeInventoryResponse),
    (r"POST /v2/orders/search", SearchOrdersResponse),
    (r"POST /v2/orders/batch-retrieve", BatchGetOrdersResponse),
    (r"POST /v2/customers/search", SearchCustomersResponse),
    (r"POST /v2/customers/bulk-retrieve", BulkRetrieveCustomersResponse),
    (r"GET /v2/customers/[^/]+", GetCustomerResponse),
    (r"POST /v2/loyalty/accounts/search", SearchLoyaltyAccountsResponse),
    (r"GET /v2/bookings", ListBookingsResponse),
    (r"GET /v2/bookings/[^/]+", GetBookingResponse),
    (r"POST /v2/bookings", CreateBookingResponse),
    (r"POST /v2/bookings/[^/]+/cancel", CancelBookingResponse),
    (r"POST /v2/webhooks/subscriptions", CreateWebhookSubscriptionResponse),
    (r"GET /v2/webhooks/subscriptions", ListWebhookSubscriptionsResponse),
    (r"GET /v2/webhooks/subscriptions/[^/]+", GetWebhookSubscriptionResponse),
    (r"DELETE /v2/webhooks/subscriptions/[^/]+", DeleteWebhookSubscriptionResponse),
    (r"PUT /v2/webhooks/subscriptions/[^/]+", UpdateWebhookSubscriptionResponse),
    (r"POST /v2/webhooks/subscriptions/[^/]+/signature-key", UpdateWebhookSubscriptionSignatureKeyResponse),
    (r"POST /v2/webhooks/subscriptions/[^/]+/test", TestWebhookSubscriptionResponse),
    (r"POST /v2/events", SearchEventsResponse),
]


@dataclass(frozen=True)
class Answer:
    route: str  # "POST /v2/catalog/search"
    status: int
    body: Json


@dataclass
class Recorder:
    """An httpx response hook keeping every answer's raw JSON, pages of the SDK's pagers included."""

    prefix: str
    answers: list[Answer] = field(default_factory=list)

    async def __call__(self, response: httpx.Response) -> None:
        await response.aread()
        path = response.request.url.path.removeprefix(self.prefix)
        self.answers.append(Answer(f"{response.request.method} {path}", response.status_code, response.json()))


@dataclass(frozen=True)
class Sdk:
    client: AsyncSquare
    recorder: Recorder


@asynccontextmanager
async def square_client(base_url: str, token: str) -> AsyncIterator[Sdk]:
    """The SDK as any Square app builds it, pinned to the sheet's version, its base URL at the simulator."""
    recorder = Recorder(httpx.URL(base_url).path)
    async with httpx.AsyncClient(event_hooks={"response": [recorder]}) as http:
        client = AsyncSquare(token=token, base_url=base_url, httpx_client=http, version=SQUARE_VERSION)
        yield Sdk(client, recorder)


def model_of(route: str) -> Model:
    for pattern, model in RESPONSE_MODELS:
        if re.fullmatch(pattern, route):
            return model
    raise AssertionError(f"no SDK model registered for {route}")


def problems(answer: Answer) -> list[str]:
    """Everything in one raw answer that the SDK's model of its route would not have produced."""
    try:
        parsed = model_of(answer.route).model_validate(answer.body)
    except pydantic.ValidationError as error:
        return [f"{answer.route}: {error}"]
    found = [f"{answer.route}: {p}" for p in _walk(parsed, "")]
    dumped = parsed.dict()  # the SDK's own serialiser: its wire names, unset fields left out
    if dumped != answer.body:
        found.append(f"{answer.route}: the model dumps to {dumped!r}, not the raw answer")
    return found


def _walk(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, pydantic.BaseModel):
        yield from _model_problems(value, path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")


def _model_problems(model: pydantic.BaseModel, path: str) -> Iterator[str]:
    for key in set(model.model_extra or {}) - RETIRED.get(type(model), frozenset()):
        yield f"{path}.{key}: not a field of {type(model).__name__}"
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None and name in model.model_fields_set:
            yield f"{path}.{name}: null, where Square leaves an unset field out"
        allowed = _literals(info.annotation)
        for text in (value if isinstance(value, list) else [value]):
            if allowed and isinstance(text, str) and text not in allowed:
                yield f"{path}.{name}: {text!r} is not among the SDK's values"
        yield from _walk(value, f"{path}.{name}")
    for name in READ_BY_OMNIGATE.get(type(model), ()):
        if getattr(model, name) is None:
            yield f"{path}.{name}: missing from {type(model).__name__}, and Omnigate reads it"


def _literals(annotation: Any) -> set[str]:
    """The enum values an annotation names, through Optional, Union and List (none for a plain type)."""
    if typing.get_origin(annotation) is typing.Literal:
        return {str(a) for a in typing.get_args(annotation)}
    return {v for arg in typing.get_args(annotation) for v in _literals(arg)}


def assert_conform(recorder: Recorder) -> None:
    """Every answer recorded so far passes `problems`; there must have been answers."""
    found = [p for answer in recorder.answers for p in problems(answer)]
    assert recorder.answers and not found, "\n".join(found)

