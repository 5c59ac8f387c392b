"""The back offices' webhook subscriptions and the records they keep of past changes, as ports: what
`omnigate webhooks register` and the gateway's catch-up ask of the POS and the web shop.

Two shapes, because the systems differ: Square holds one subscription of many event types and makes its
signature key itself; WooCommerce holds one webhook per topic and takes the secret Omnigate makes. Either way a
missed change is read again from the system (Square's SearchEvents, WooCommerce's `modified_after`) as a
`PulledEvent`, whose body has the shape a delivery would have carried, so it is processed as one.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Subscription:
    """One subscription (Square) or webhook (WooCommerce) as the system holds it; `url` byte for byte."""

    id: str
    name: str
    url: str
    topics: tuple[str, ...]
    enabled: bool


@dataclass(frozen=True)
class PulledEvent:
    """A change read back from the system rather than pushed: `body` is what a delivery of it carries."""

    event_id: str
    type: str
    created_at: datetime
    body: bytes


class KeyedSubscriptions(Protocol):
    """Square's Webhook Subscriptions API: the system generates the signature key."""

    async def subscriptions(self) -> list[Subscription]:
        """Every subscription, disabled ones too."""
        ...

    async def create(self, name: str, url: str, topics: tuple[str, ...], key: str) -> tuple[Subscription, str]:
        """A new enabled subscription under idempotency `key`, with the signature key the system made for it."""
        ...

    async def update(self, subscription_id: str, url: str, topics: tuple[str, ...],
                     enabled: bool) -> Subscription: ...

    async def signature_key(self, subscription_id: str) -> str | None:
        """The subscription's current key, when the system tells it on a read."""
        ...

    async def rotate_key(self, subscription_id: str, key: str) -> str:
        """A new signature key (the old one stops signing at once), under idempotency `key`."""
        ...

    async def delete(self, subscription_id: str) -> None: ...


class EventHistory(Protocol):
    """Square's SearchEvents: what happened, kept for a while after its deliveries were given up."""

    async def events_since(self, since: datetime, types: tuple[str, ...]) -> list[PulledEvent]:
        """Events of these types created at or after `since`, oldest first."""
        ...


class SecretWebhooks(Protocol):
    """WooCommerce's webhooks: one per topic, signed with the secret Omnigate gives."""

    async def webhooks(self) -> list[Subscription]:
        """Every webhook, whatever its status (`enabled` is True for an active one only)."""
        ...

    async def create(self, name: str, url: str, topic: str, secret: str) -> Subscription: ...

    async def update(self, webhook_id: str, url: str, secret: str, active: bool) -> Subscription:
        """Its URL, secret and status; made active, a webhook the system disabled delivers again."""
        ...

    async def delete(self, webhook_id: str) -> None: ...


class ChangeHistory(Protocol):
    """WooCommerce's `modified_after` reads: the records changed since a moment, as `<kind>.updated` events."""

    async def changed_orders(self, since: datetime) -> list[PulledEvent]: ...

    async def changed_products(self, since: datetime) -> list[PulledEvent]: ...

    async def changed_customers(self, since: datetime) -> list[PulledEvent]: ...
