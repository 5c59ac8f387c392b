"""The shop's webhooks and what `WC_Webhook` does with them: topics and their hooks, the ping, deliveries
signed with the webhook's secret, and the count of failed deliveries that disables a webhook.

No retry: a delivery that fails is counted, and once MAX_FAILURES have failed in a row the webhook is
`disabled` (a success resets the count). The receiver then re-reads what changed (`modified_after`).
"""

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from typing import Any

from simulators.webhooks.courier import Courier

from .order_json import WC_VERSION
from .wp import Json, date_fields

MAX_FAILURES = 5  # `woocommerce_max_webhook_delivery_failures`, as the sheet counts them
STATUSES = ("active", "paused", "disabled")
RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")
API_VERSION = "wp_api_v3"
USER_AGENT = f"WooCommerce/{WC_VERSION} Hookshot (WordPress/6.7.1)"
# `WC_Webhook::get_topic_hooks`: the WordPress actions behind each core topic
HOOKS: dict[str, list[str]] = {
    "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
    "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
    "coupon.deleted": ["wp_trash_post"], "coupon.restored": ["untrashed_post"],
    "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
    "order.created": ["woocommerce_new_order"], "order.updated": ["woocommerce_update_order",
                                                                  "woocommerce_order_refunded"],
    "order.deleted": ["wp_trash_post"], "order.restored": ["untrashed_post"],
    "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product",
                        "woocommerce_new_product_variation"],
    "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product",
                        "woocommerce_update_product_variation"],
    "product.deleted": ["wp_trash_post"], "product.restored": ["untrashed_post"],
}


def valid_topic(topic: str) -> bool:
    """A core topic, or `action.<hook>` (any WordPress action)."""
    resource, _, event = topic.partition(".")
    return topic in HOOKS or (resource == "action" and bool(event))


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Webhook:
    id: int
    name: str
    status: str
    topic: str
    delivery_url: str
    secret: str
    created: datetime
    modified: datetime
    failure_count: int = 0

    @property
    def resource(self) -> str:
        return self.topic.partition(".")[0]

    @property
    def event(self) -> str:
        return self.topic.partition(".")[2]

    def to_json(self) -> Json:
        return {"id": self.id, "name": self.name, "status": self.status, "topic": self.topic,
                "resource": self.resource, "event": self.event,
                "hooks": HOOKS.get(self.topic, [self.event]), "delivery_url": self.delivery_url,
                "secret": self.secret, **date_fields("date_created", self.created),
                **date_fields("date_modified", self.modified)}


class WebhookBook:
    def __init__(self, courier: Courier, first_id: int) -> None:
        self.courier = courier
        self.records: dict[int, Webhook] = {}
        self._ids = count(first_id)

    def add(self, name: str, status: str, topic: str, url: str, secret: str | None, now: datetime) -> Webhook:
        webhook = Webhook(next(self._ids), name, status, topic, url, secret or generate_secret(), now, now)
        self.records[webhook.id] = webhook
        return webhook

    def targets(self, topic: str) -> list[Webhook]:
        return [w for w in self.records.values() if w.status == "active" and w.topic == topic]

    def ping(self, webhook: Webhook) -> None:
        """`WC_Webhook::deliver_ping`: one form POST `webhook_id=<id>`, unsigned, not counted."""
        self.courier.spawn(self._ping(webhook.id, webhook.delivery_url))

    def push(self, webhook: Webhook, body: bytes, source: str, resource_id: int) -> None:
        self.courier.spawn(self._deliver(webhook.id, body, source, resource_id))

    async def _ping(self, webhook_id: int, url: str) -> None:
        await self.courier.post(target=str(webhook_id), event="ping", topic="ping", url=url,
                                body=f"webhook_id={webhook_id}".encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "User-Agent": USER_AGENT})

    async def _deliver(self, webhook_id: int, body: bytes, source: str, resource_id: int) -> None:
        webhook = self.records.get(webhook_id)
        if webhook is None or webhook.status != "active":
            return
        delivery_id = uuid.uuid4().hex
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "X-WC-Webhook-Source": source, "X-WC-Webhook-Topic": webhook.topic,
                   "X-WC-Webhook-Resource": webhook.resource, "X-WC-Webhook-Event": webhook.event,
                   "X-WC-Webhook-Signature": signature(webhook.secret, body),
                   "X-WC-Webhook-ID": str(webhook.id), "X-WC-Webhook-Delivery-ID": delivery_id}
        done = await self.courier.post(target=str(webhook.id), event=delivery_id, topic=webhook.topic,
                                       url=webhook.delivery_url, body=body, headers=headers)
        if done.ok:
            webhook.failure_count = 0
            return
        webhook.failure_count += 1
        if webhook.failure_count >= MAX_FAILURES:
            webhook.status = "disabled"


def generate_secret() -> str:
    """`wp_generate_password(50, true, true)`: 50 characters with specials."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def sim_view(webhook: Webhook) -> dict[str, Any]:
    """What `/_sim/webshop/webhooks` shows: the REST fields plus the failure count WooCommerce keeps."""
    return {**webhook.to_json(), "failure_count": webhook.failure_count}
