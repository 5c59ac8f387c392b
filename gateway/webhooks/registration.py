"""`omnigate webhooks register`: the POS's and the web shop's subscriptions to this gateway, made through each
system's own API and kept one per system and topic however often it runs, their secrets in the ledger.

Square makes the signature key of its one subscription (of every event type Omnigate reads) and tells it on a
read; WooCommerce takes one webhook per topic and the secret Omnigate gives, the same for all of them (kept
from one run to the next, so deliveries already signed still verify). Subscriptions are Omnigate's when they
bear its name or deliver to its URL: those beyond one per topic are deleted, none of anyone else's is touched.
"""

import asyncio
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from connectors.domain import System
from connectors.subscription_ports import KeyedSubscriptions, SecretWebhooks, Subscription
from connectors.webhook_ports import Registration, WebhookRegistrations

SUBSCRIPTION_NAME = "Omnigate"
POS_PATH = "/webhooks/pos"
WEBSHOP_PATH = "/webhooks/webshop"
POS_EVENT_TYPES = ("inventory.count.updated", "booking.created", "booking.updated", "order.updated",
                   "catalog.version.updated")
WEBSHOP_TOPICS = ("order.created", "order.updated", "product.updated", "customer.updated")
SECRET_BYTES = 32


def notification_url(public_url: str, system: System) -> str:
    """Where `system` delivers: the public URL (no trailing slash) and the receiver's path, byte for byte."""
    return public_url.rstrip("/") + (POS_PATH if system is System.POS else WEBSHOP_PATH)


def is_ours(subscription: Subscription, url: str) -> bool:
    return subscription.url == url or subscription.name.casefold().startswith(SUBSCRIPTION_NAME.casefold())


@dataclass(frozen=True)
class Registered:
    """What a run left in place for one system."""

    registration: Registration
    subscriptions: tuple[Subscription, ...]


async def register_pos(subscriptions: KeyedSubscriptions, registrations: WebhookRegistrations, public_url: str,
                       now: datetime) -> Registered:
    """Square's subscription created, or the first of Omnigate's made to match, the others deleted; its key stored."""
    url = notification_url(public_url, System.POS)
    ours = [s for s in await subscriptions.subscriptions() if is_ours(s, url)]
    if ours:
        kept = ours[0]
        await asyncio.gather(*(subscriptions.delete(s.id) for s in ours[1:]))
        if (kept.url, set(kept.topics), kept.enabled) != (url, set(POS_EVENT_TYPES), True):
            kept = await subscriptions.update(kept.id, url, POS_EVENT_TYPES, True)
        key = await subscriptions.signature_key(kept.id) \
            or await subscriptions.rotate_key(kept.id, str(uuid.uuid4()))
    else:
        kept, key = await subscriptions.create(SUBSCRIPTION_NAME, url, POS_EVENT_TYPES, str(uuid.uuid4()))
    saved = await registrations.save(Registration(System.POS, kept.id, url, key, now))
    return Registered(saved, (kept,))


def new_secret() -> str:
    """What WooCommerce signs Omnigate's deliveries with: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(SECRET_BYTES)


async def register_webshop(webhooks: SecretWebhooks, registrations: WebhookRegistrations, public_url: str,
                           now: datetime) -> Registered:
    """One active webhook per topic, each with the stored secret (a new one the first time). The secret is
    stored before any webhook gets it, so the first delivery already verifies."""
    url = notification_url(public_url, System.WEBSHOP)
    before = await registrations.get(System.WEBSHOP)
    secret = before.secret if before is not None else new_secret()
    ours = [w for w in await webhooks.webhooks() if is_ours(w, url)]
    await registrations.save(Registration(System.WEBSHOP, _ids(ours), url, secret, now))
    kept: list[Subscription] = []
    for topic in WEBSHOP_TOPICS:
        same = [w for w in ours if topic in w.topics]
        if same:
            kept.append(await webhooks.update(same[0].id, url, secret, active=True))
        else:
            kept.append(await webhooks.create(f"{SUBSCRIPTION_NAME} {topic}", url, topic, secret))
    kept_ids = {w.id for w in kept}
    await asyncio.gather(*(webhooks.delete(w.id) for w in ours if w.id not in kept_ids))
    saved = await registrations.save(Registration(System.WEBSHOP, _ids(kept), url, secret, now))
    return Registered(saved, tuple(kept))


def _ids(subscriptions: list[Subscription]) -> str:
    """A registration's `subscription_id` for WooCommerce: its webhooks' ids, comma-separated."""
    return ",".join(s.id for s in subscriptions)
