"""Square's webhook events (pos.md section 11) as domain changes: the signature over the notification URL and
the raw body, the event envelope, and what each event type used here means for Omnigate.

Inventory counts name Square's catalog object ids: the catalog index maps them to the GTIN every stock read is
keyed by (the id never leaves this package).
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime

from ..changes import ArticlesChanged, BookingChanged, Change, Delivery, Malformed, OrderStatusChanged, StockCounted
from ..domain import System
from ..webhook_ports import InboxEvent
from .catalog_index import CatalogIndex
from .square_client import Json
from .to_domain import IN_STOCK, instant, quantity

INVENTORY, CATALOG = "inventory.count.updated", "catalog.version.updated"
BOOKING_CREATED, BOOKING_UPDATED = "booking.created", "booking.updated"
ORDER_OBJECTS = {"order.created": "order_created", "order.updated": "order_updated"}
TYPES = frozenset({INVENTORY, CATALOG, BOOKING_CREATED, BOOKING_UPDATED, *ORDER_OBJECTS})


def _object(body: bytes) -> Json:
    try:
        event = json.loads(body)
    except ValueError as error:
        raise Malformed(f"not JSON: {error}") from None
    if not isinstance(event, dict):
        raise Malformed("the event is not a JSON object")
    return event


def _text(data: Json, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise Malformed(f"`{key}` missing")
    return value


def _child(data: Json, key: str) -> Json:
    value = data.get(key)
    if not isinstance(value, dict):
        raise Malformed(f"`{key}` missing")
    return value


class SquareEvents:
    system = System.POS
    signature_header = "x-square-hmacsha256-signature"
    types = TYPES

    def __init__(self, catalog: CatalogIndex) -> None:
        self._catalog = catalog

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        return False  # Square's test event is an ordinary, signed event

    def signature(self, secret: str, notification_url: str, body: bytes) -> str:
        digest = hmac.new(secret.encode(), notification_url.encode() + body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def delivery(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        event = _object(body)
        created = instant(event.get("created_at"))
        if "created_at" in event and created is None:
            raise Malformed("`created_at` is not a time")
        return Delivery(_text(event, "event_id"), _text(event, "type"), created)

    async def changes(self, event: InboxEvent) -> list[Change]:
        data = _object(event.body).get("data")
        found = _child(data, "object") if isinstance(data, dict) else None
        if found is None:
            raise Malformed("`data.object` missing")
        at = event.created_at
        if event.type == INVENTORY:
            return list(await self._counts(found, at))
        if event.type in (BOOKING_CREATED, BOOKING_UPDATED):
            booking = _child(found, "booking")
            return [BookingChanged(event.type == BOOKING_CREATED, _text(booking, "id"),
                                   _text(booking, "location_id"), at)]
        if event.type in ORDER_OBJECTS:
            order = _child(found, ORDER_OBJECTS[event.type])
            return [OrderStatusChanged(System.POS, _text(order, "order_id"), None, at)]
        if event.type == CATALOG:
            return [ArticlesChanged(System.POS, None, False, at)]  # GTINs come from the ERP, not from here
        return []

    async def _counts(self, found: Json, at: datetime) -> list[StockCounted]:
        """The IN_STOCK counts of the event, keyed by GTIN; variations without one (or unknown) sell nothing."""
        counts = found.get("inventory_counts")
        if not isinstance(counts, list) or not all(isinstance(c, dict) for c in counts):
            raise Malformed("`inventory_counts` missing")
        in_stock = [c for c in counts if c.get("state") == IN_STOCK]
        variations = await self._catalog.variations(_text(c, "catalog_object_id") for c in in_stock)
        changes = []
        for count in in_stock:
            variation = variations.get(count["catalog_object_id"])
            if variation is not None and variation.gtin is not None:
                changes.append(StockCounted(variation.gtin, _text(count, "location_id"),
                                            max(0, int(quantity(count.get("quantity")))),
                                            instant(count.get("calculated_at")) or at))
        return changes
