"""WooCommerce's webhook deliveries (webshop.md, Webhooks) as domain changes: the signature over the raw body,
the delivery headers, the creation ping, and what order and product topics mean for Omnigate."""

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping

from ..changes import ArticlesChanged, Change, Delivery, Malformed, OrderStatusChanged
from ..domain import System
from ..webhook_ports import InboxEvent
from .read_wire import instant

TOPIC, DELIVERY_ID = "X-WC-Webhook-Topic", "X-WC-Webhook-Delivery-ID"
PING = re.compile(rb"webhook_id=\d{1,20}")
ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.deleted", "order.restored"})
PRODUCT_TOPICS = frozenset({"product.created", "product.updated", "product.deleted", "product.restored"})
LISTING_TOPICS = frozenset({"product.created", "product.deleted", "product.restored"})
TYPES = ORDER_TOPICS | PRODUCT_TOPICS


def _resource(body: bytes) -> dict[str, object]:
    try:
        resource = json.loads(body)
    except ValueError as error:
        raise Malformed(f"not JSON: {error}") from None
    if not isinstance(resource, dict):
        raise Malformed("the resource is not a JSON object")
    return resource


def _id(resource: dict[str, object]) -> str:
    value = resource.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise Malformed("`id` missing")
    return str(value)


class WooEvents:
    system = System.WEBSHOP
    signature_header = "X-WC-Webhook-Signature"
    types = TYPES

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Sent on creation and activation with a form body and no topic; it carries no data."""
        return TOPIC not in headers and PING.fullmatch(body.strip()) is not None

    def signature(self, secret: str, notification_url: str, body: bytes) -> str:
        return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()

    def delivery(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        delivery_id, topic = headers.get(DELIVERY_ID, "").strip(), headers.get(TOPIC, "").strip()
        if not delivery_id or not topic:
            raise Malformed(f"`{DELIVERY_ID}` or `{TOPIC}` missing")
        resource = _resource(body)
        _id(resource)
        return Delivery(delivery_id, topic, instant(resource.get("date_modified_gmt")))

    async def changes(self, event: InboxEvent) -> list[Change]:
        resource = _resource(event.body)
        if event.type in ORDER_TOPICS:
            customer = resource.get("customer_id")
            buyer = str(customer) if isinstance(customer, int | str) and str(customer) not in ("", "0") else None
            return [OrderStatusChanged(System.WEBSHOP, _id(resource), buyer, event.created_at)]
        if event.type in PRODUCT_TOPICS:
            return [ArticlesChanged(System.WEBSHOP, (_id(resource),), event.type in LISTING_TOPICS,
                                    event.created_at)]
        return []
