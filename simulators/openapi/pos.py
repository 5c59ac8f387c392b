"""The POS's OpenAPI document: the Square API v2 calls the simulator serves (release 2025-08-20).

Schemas name the fields the contract sheet (pos.md) relies on; Square's objects carry more, so every
object stays open to further properties, as in Square's own published description.
"""

from .builder import (
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NUMBER,
    STRING,
    ApiDescription,
    Json,
    array,
    header,
    json_body,
    json_response,
    obj,
    operation,
    query,
    ref,
)

MONEY = obj({"amount": {"type": "integer", "format": "int64"}, "currency": STRING}, ["amount", "currency"])
DECIMAL_STRING: Json = {"type": "string", "description": "a decimal quantity, e.g. `\"5\"`"}
CURSOR = {"cursor": {**STRING, "description": "present when there are more results: send it back as is"}}
IDS = array(STRING)
ERRORS = {"default": json_response(ref("ErrorResponse"), "Square's error list (status follows the first error)")}
VERSION = header("Square-Version", {"type": "string", "example": "2025-08-20"}, "API version; echoed")

SCHEMAS: dict[str, Json] = {
    "Money": MONEY,
    "Error": obj({"category": STRING, "code": STRING, "detail": STRING, "field": STRING}, ["category", "code"]),
    "ErrorResponse": obj({"errors": array(ref("Error"))}, ["errors"]),
    "Location": obj({
        "id": STRING, "name": STRING, "business_name": STRING,
        "status": {"type": "string", "enum": ["ACTIVE", "INACTIVE"]}, "type": STRING, "timezone": STRING,
        "country": STRING, "currency": STRING, "language_code": STRING, "phone_number": STRING,
        "description": STRING, "created_at": DATE_TIME, "merchant_id": STRING, "capabilities": array(STRING),
        "address": obj({"address_line_1": STRING, "locality": STRING, "postal_code": STRING, "country": STRING}),
        "coordinates": obj({"latitude": NUMBER, "longitude": NUMBER}),
        "business_hours": obj({"periods": array(obj({
            "day_of_week": {"type": "string", "enum": ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]},
            "start_local_time": STRING, "end_local_time": STRING}))}),
    }, ["id", "name", "status"]),
    "CatalogObject": obj({
        "type": STRING, "id": STRING, "version": {"type": "integer", "format": "int64"}, "is_deleted": BOOLEAN,
        "updated_at": DATE_TIME, "present_at_all_locations": BOOLEAN,
        "item_variation_data": obj({
            "item_id": STRING, "name": STRING, "sku": STRING, "upc": STRING, "ordinal": INTEGER,
            "pricing_type": {"type": "string", "enum": ["FIXED_PRICING", "VARIABLE_PRICING"]},
            "price_money": ref("Money"), "service_duration": INTEGER,
            "location_overrides": array(obj({"location_id": STRING, "price_money": ref("Money")})),
            "track_inventory": BOOLEAN, "sellable": BOOLEAN, "stockable": BOOLEAN}),
        "item_data": {"type": "object"},
    }, ["type", "id"]),
    "InventoryCount": obj({"catalog_object_id": STRING, "catalog_object_type": STRING, "state": STRING,
                           "location_id": STRING, "quantity": DECIMAL_STRING, "calculated_at": DATE_TIME},
                          ["catalog_object_id", "state", "location_id", "quantity"]),
    "InventoryAdjustment": obj({"id": STRING, "reference_id": STRING, "from_state": STRING, "to_state": STRING,
                                "location_id": STRING, "catalog_object_id": STRING, "catalog_object_type": STRING,
                                "quantity": DECIMAL_STRING, "occurred_at": DATE_TIME, "created_at": DATE_TIME}),
    "InventoryChange": obj({"type": {"type": "string", "enum": ["ADJUSTMENT"]},
                            "adjustment": ref("InventoryAdjustment")}, ["type"]),
    "Order": obj({
        "id": STRING, "location_id": STRING, "customer_id": STRING, "source": obj({"name": STRING}),
        "state": {"type": "string", "enum": ["OPEN", "COMPLETED", "CANCELED", "DRAFT"]},
        "created_at": DATE_TIME, "updated_at": DATE_TIME, "closed_at": DATE_TIME, "total_money": ref("Money"),
        "line_items": array(obj({"uid": STRING, "name": STRING, "quantity": DECIMAL_STRING,
                                 "catalog_object_id": STRING, "base_price_money": ref("Money"),
                                 "total_money": ref("Money")})),
    }, ["id", "location_id"]),
    "Customer": obj({"id": STRING, "given_name": STRING, "family_name": STRING, "email_address": STRING,
                     "phone_number": STRING, "reference_id": STRING, "birthday": STRING, "version": INTEGER,
                     "created_at": DATE_TIME, "updated_at": DATE_TIME, "address": {"type": "object"}}, ["id"]),
    "LoyaltyAccount": obj({"id": STRING, "program_id": STRING, "customer_id": STRING, "balance": INTEGER,
                           "lifetime_points": INTEGER, "enrolled_at": DATE_TIME,
                           "mapping": obj({"id": STRING, "phone_number": STRING})}, ["id", "program_id"]),
    "AppointmentSegment": obj({"team_member_id": STRING, "service_variation_id": STRING,
                               "service_variation_version": {"type": "integer", "format": "int64"},
                               "duration_minutes": INTEGER}),
    "Booking": obj({
        "id": STRING, "version": INTEGER,
        "status": {"type": "string", "enum": ["PENDING", "ACCEPTED", "DECLINED", "CANCELLED_BY_CUSTOMER",
                                              "CANCELLED_BY_SELLER", "NO_SHOW"]},
        "start_at": DATE_TIME, "location_id": STRING, "customer_id": STRING, "customer_note": STRING,
        "seller_note": STRING, "created_at": DATE_TIME, "updated_at": DATE_TIME,
        "appointment_segments": array(ref("AppointmentSegment")),
    }, ["id", "version", "status"]),
    "TeamMemberBookingProfile": obj({"team_member_id": STRING, "display_name": STRING, "is_bookable": BOOLEAN}),
    "WebhookSubscription": obj({
        "id": STRING, "name": STRING, "enabled": BOOLEAN, "event_types": array(STRING),
        "notification_url": {"type": "string", "format": "uri"}, "api_version": STRING,
        "signature_key": {**STRING, "description": "Square-generated; absent from lists"},
        "created_at": DATE_TIME, "updated_at": DATE_TIME}, ["id", "enabled", "event_types", "notification_url"]),
    "Event": obj({
        "merchant_id": STRING, "location_id": STRING, "type": STRING, "event_id": STRING, "created_at": DATE_TIME,
        "data": obj({"type": STRING, "id": STRING, "object": {"type": "object"}})},
        ["merchant_id", "type", "event_id", "created_at", "data"]),
}


def _reply(schema: Json, description: str) -> Json:
    return {"200": json_response(schema, description), **ERRORS}


def _post(summary: str, body: Json, answer: Json, tag: str, operation_id: str) -> Json:
    return operation(summary, _reply(answer, summary), body=json_body(body), parameters=[VERSION],
                     tags=[tag], operationId=operation_id)


def _get(summary: str, answer: Json, tag: str, operation_id: str, parameters: list[Json] | None = None) -> Json:
    return operation(summary, _reply(answer, summary), parameters=[VERSION, *(parameters or [])],
                     tags=[tag], operationId=operation_id)


LIMIT_CURSOR = [query("limit", INTEGER, "page size"), query("cursor", STRING, "from the previous page")]
BOOKING_BODY = obj({"idempotency_key": STRING, "booking": obj({
    "version": INTEGER, "location_id": STRING, "start_at": DATE_TIME, "customer_id": STRING, "customer_note": STRING,
    "seller_note": STRING, "appointment_segments": array(ref("AppointmentSegment"))})}, ["booking"])
BOOKING = obj({"booking": ref("Booking")}, ["booking"])

OPERATIONS: dict[str, Json] = {
    "GET /v2/locations": _get("ListLocations", obj({"locations": array(ref("Location"))}), "Locations",
                              "ListLocations"),
    "GET /v2/locations/{location_id}": _get("RetrieveLocation", obj({"location": ref("Location")}), "Locations",
                                            "RetrieveLocation"),
    "POST /v2/catalog/search": _post(
        "SearchCatalogObjects",
        obj({"object_types": array(STRING), "include_related_objects": BOOLEAN, "include_deleted_objects": BOOLEAN,
             "limit": INTEGER, "cursor": STRING, "query": obj({
                 "exact_query": obj({"attribute_name": STRING, "attribute_value": STRING}),
                 "set_query": obj({"attribute_name": STRING, "attribute_values": array(STRING, maxItems=250)}),
                 "prefix_query": obj({"attribute_name": STRING, "attribute_prefix": STRING})})}),
        obj({"objects": array(ref("CatalogObject")), "related_objects": array(ref("CatalogObject")),
             "latest_time": DATE_TIME, **CURSOR}), "Catalog", "SearchCatalogObjects"),
    "POST /v2/catalog/batch-retrieve": _post(
        "BatchRetrieveCatalogObjects",
        obj({"object_ids": array(STRING, maxItems=1000), "include_related_objects": BOOLEAN}, ["object_ids"]),
        obj({"objects": array(ref("CatalogObject")), "related_objects": array(ref("CatalogObject"))}), "Catalog",
        "BatchRetrieveCatalogObjects"),
    "GET /v2/catalog/info": _get("CatalogInfo", obj({"limits": obj({"batch_retrieve_max_object_ids": INTEGER,
                                                                    "search_max_page_limit": INTEGER})}),
                                 "Catalog", "CatalogInfo"),
    "POST /v2/inventory/counts/batch-retrieve": _post(
        "BatchRetrieveInventoryCounts",
        obj({"catalog_object_ids": array(STRING, maxItems=1000), "location_ids": IDS, "states": array(STRING),
             "updated_after": DATE_TIME, "limit": INTEGER, "cursor": STRING}),
        obj({"counts": array(ref("InventoryCount")), **CURSOR}), "Inventory", "BatchRetrieveInventoryCounts"),
    "POST /v2/inventory/changes/batch-create": _post(
        "BatchChangeInventory",
        obj({"idempotency_key": {"type": "string", "minLength": 1, "maxLength": 128},
             "changes": array(ref("InventoryChange"), maxItems=100), "ignore_unchanged_counts": BOOLEAN},
            ["idempotency_key"]),
        obj({"counts": array(ref("InventoryCount")), "changes": array(ref("InventoryChange"))}), "Inventory",
        "BatchChangeInventory"),
    "POST /v2/customers/search": _post(
        "SearchCustomers",
        obj({"limit": {"type": "integer", "minimum": 1, "maximum": 100}, "cursor": STRING, "count": BOOLEAN,
             "query": obj({"filter": obj({"reference_id": obj({"exact": STRING, "fuzzy": STRING}),
                                          "phone_number": obj({"exact": STRING, "fuzzy": STRING}),
                                          "email_address": obj({"exact": STRING, "fuzzy": STRING})})})}),
        obj({"customers": array(ref("Customer")), "count": INTEGER, **CURSOR}), "Customers", "SearchCustomers"),
    "POST /v2/customers/bulk-retrieve": _post(
        "BulkRetrieveCustomers", obj({"customer_ids": array(STRING, maxItems=100)}, ["customer_ids"]),
        obj({"responses": {"type": "object", "additionalProperties": obj({"customer": ref("Customer"),
                                                                          "errors": array(ref("Error"))})}}),
        "Customers", "BulkRetrieveCustomers"),
    "GET /v2/customers/{customer_id}": _get("RetrieveCustomer", obj({"customer": ref("Customer")}), "Customers",
                                            "RetrieveCustomer"),
    "POST /v2/loyalty/accounts/search": _post(
        "SearchLoyaltyAccounts",
        obj({"limit": {"type": "integer", "minimum": 1, "maximum": 200}, "cursor": STRING,
             "query": obj({"mappings": array(obj({"phone_number": STRING}), maxItems=30),
                           "customer_ids": array(STRING, maxItems=30)})}),
        obj({"loyalty_accounts": array(ref("LoyaltyAccount")), **CURSOR}), "Loyalty", "SearchLoyaltyAccounts"),
    "POST /v2/orders/search": _post(
        "SearchOrders",
        obj({"location_ids": array(STRING, minItems=1, maxItems=10), "limit": INTEGER, "cursor": STRING,
             "return_entries": BOOLEAN, "query": obj({
                 "filter": obj({"state_filter": obj({"states": array(STRING)}),
                                "customer_filter": obj({"customer_ids": array(STRING, maxItems=10)}),
                                "source_filter": obj({"source_names": array(STRING)}),
                                "date_time_filter": {"type": "object"}}),
                 "sort": obj({"sort_field": {"type": "string", "enum": ["CREATED_AT", "UPDATED_AT", "CLOSED_AT"]},
                              "sort_order": {"type": "string", "enum": ["DESC", "ASC"]}})})},
            ["location_ids"]),
        obj({"orders": array(ref("Order")), "order_entries": array({"type": "object"}), **CURSOR}), "Orders",
        "SearchOrders"),
    "POST /v2/orders/batch-retrieve": _post(
        "BatchRetrieveOrders", obj({"order_ids": array(STRING, maxItems=100), "location_id": STRING}, ["order_ids"]),
        obj({"orders": array(ref("Order"))}), "Orders", "BatchRetrieveOrders"),
    "POST /v2/bookings": _post("CreateBooking", BOOKING_BODY, BOOKING, "Bookings", "CreateBooking"),
    "GET /v2/bookings": _get(
        "ListBookings", obj({"bookings": array(ref("Booking")), **CURSOR}), "Bookings", "ListBookings",
        [query("location_id", STRING), query("customer_id", STRING), query("team_member_id", STRING),
         query("start_at_min", DATE_TIME, "default now"), query("start_at_max", DATE_TIME, "default +31 days"),
         *LIMIT_CURSOR]),
    "GET /v2/bookings/team-member-booking-profiles": _get(
        "ListTeamMemberBookingProfiles",
        obj({"team_member_booking_profiles": array(ref("TeamMemberBookingProfile")), **CURSOR}), "Bookings",
        "ListTeamMemberBookingProfiles", [query("location_id", STRING), *LIMIT_CURSOR]),
    "GET /v2/bookings/{booking_id}": _get("RetrieveBooking", BOOKING, "Bookings", "RetrieveBooking"),
    "PUT /v2/bookings/{booking_id}": operation(
        "UpdateBooking", _reply(BOOKING, "UpdateBooking"), body=json_body(BOOKING_BODY),
        parameters=[VERSION], tags=["Bookings"], operationId="UpdateBooking"),
    "POST /v2/bookings/{booking_id}/cancel": _post(
        "CancelBooking", obj({"idempotency_key": STRING, "booking_version": INTEGER}), BOOKING, "Bookings",
        "CancelBooking"),
}

SUBSCRIPTION_INPUT = obj({"name": STRING, "enabled": BOOLEAN, "event_types": array(STRING),
                          "notification_url": STRING, "api_version": STRING})
SUBSCRIPTION = obj({"subscription": ref("WebhookSubscription")}, ["subscription"])
WEBHOOKS = "/v2/webhooks/subscriptions"
OPERATIONS |= {
    "GET /v2/webhooks/event-types": _get(
        "ListWebhookEventTypes", obj({"event_types": array(STRING), "metadata": array(obj({
            "event_type": STRING, "api_version_introduced": STRING, "release_status": STRING}))}),
        "Webhooks", "ListWebhookEventTypes"),
    f"POST {WEBHOOKS}": _post(
        "CreateWebhookSubscription", obj({"idempotency_key": {"type": "string", "maxLength": 45},
                                          "subscription": SUBSCRIPTION_INPUT}, ["subscription"]),
        SUBSCRIPTION, "Webhooks", "CreateWebhookSubscription"),
    f"GET {WEBHOOKS}": _get(
        "ListWebhookSubscriptions", obj({"subscriptions": array(ref("WebhookSubscription")), **CURSOR}), "Webhooks",
        "ListWebhookSubscriptions", [query("include_disabled", BOOLEAN, "default false"),
                                     query("sort_order", {"type": "string", "enum": ["ASC", "DESC"]}),
                                     *LIMIT_CURSOR]),
    f"GET {WEBHOOKS}/{{subscription_id}}": _get("RetrieveWebhookSubscription", SUBSCRIPTION, "Webhooks",
                                                 "RetrieveWebhookSubscription"),
    f"PUT {WEBHOOKS}/{{subscription_id}}": operation(
        "UpdateWebhookSubscription", _reply(SUBSCRIPTION, "UpdateWebhookSubscription"),
        body=json_body(obj({"subscription": SUBSCRIPTION_INPUT})), parameters=[VERSION], tags=["Webhooks"],
        operationId="UpdateWebhookSubscription"),
    f"DELETE {WEBHOOKS}/{{subscription_id}}": operation(
        "DeleteWebhookSubscription", _reply(obj({}), "DeleteWebhookSubscription"), parameters=[VERSION],
        tags=["Webhooks"], operationId="DeleteWebhookSubscription"),
    f"POST {WEBHOOKS}/{{subscription_id}}/signature-key": _post(
        "UpdateWebhookSubscriptionSignatureKey", obj({"idempotency_key": STRING}),
        obj({"signature_key": STRING}), "Webhooks", "UpdateWebhookSubscriptionSignatureKey"),
    f"POST {WEBHOOKS}/{{subscription_id}}/test": _post(
        "TestWebhookSubscription", obj({"event_type": STRING}),
        obj({"subscription_test_result": obj({"id": STRING, "status_code": INTEGER, "payload": {"type": "object"},
                                              "notification_url": STRING, "passes_filter": BOOLEAN,
                                              "created_at": DATE_TIME, "updated_at": DATE_TIME})}),
        "Webhooks", "TestWebhookSubscription"),
    "POST /v2/events": _post(
        "SearchEvents", obj({"cursor": STRING, "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                             "query": obj({"filter": obj({
                                 "event_types": array(STRING), "merchant_ids": array(STRING),
                                 "location_ids": array(STRING),
                                 "created_at": obj({"start_at": DATE_TIME, "end_at": DATE_TIME})}),
                                 "sort": obj({"field": {"type": "string", "enum": ["DEFAULT"]},
                                              "order": {"type": "string", "enum": ["ASC", "DESC"]}})})}),
        obj({"events": array(ref("Event")), "metadata": array(obj({"event_id": STRING, "api_version": STRING})),
             **CURSOR}), "Events", "SearchEvents"),
}

DESCRIPTION = ApiDescription(
    title="Square API v2 (Omnigate POS simulator)", version="2025-08-20",
    summary=("Locations, catalog, inventory, customers, loyalty, orders and bookings: the subset Omnigate uses, "
             "plus webhook subscriptions and SearchEvents. Money in minor units, inventory quantities as decimal "
             "strings, `cursor` paging. Webhook deliveries are POSTed to each subscription's `notification_url`, "
             "signed in `x-square-hmacsha256-signature` (base64 HMAC-SHA256 of URL + body)."),
    operations=OPERATIONS, schemas=SCHEMAS,
    security_schemes={"bearerAuth": {"type": "http", "scheme": "bearer",
                                     "description": "access token (demo `demo-pos-token`)"}},
    security=({"bearerAuth": []},))
