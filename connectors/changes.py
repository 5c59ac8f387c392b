"""What a back office's pushed event means, in Omnigate's terms: the receivers and the processor see these,
never a vendor's field names (each adapter's `events` module translates its own payloads)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .domain import System
from .webhook_ports import InboxEvent


class Malformed(ValueError):
    """A verified request whose body or headers are not an event of the system's documented shape."""


@dataclass(frozen=True)
class Delivery:
    """What the receiver keeps of a pushed request besides its body."""

    event_id: str
    type: str
    created_at: datetime | None  # None: the event does not say; its receipt stands for it


@dataclass(frozen=True)
class StockCounted:
    """The store system counted `quantity` sellable units of the article (`gtin`, the POS's key) at a store."""

    gtin: str
    store_code: str
    quantity: int
    at: datetime


@dataclass(frozen=True)
class BookingChanged:
    created: bool
    appointment_id: str
    store_code: str
    at: datetime


@dataclass(frozen=True)
class OrderStatusChanged:
    """An order of `system` changed; `customer_id` is that system's own id of the buyer when the event says."""

    system: System
    order_id: str
    customer_id: str | None
    at: datetime


@dataclass(frozen=True)
class ArticlesChanged:
    """Articles of `system` changed (price, listing, name); `product_ids` are the system's own ids (web shop
    product ids), None when the event does not say which (Square's catalog version)."""

    system: System
    product_ids: tuple[str, ...] | None
    listing_changed: bool  # articles added or removed: the crosswalk (ERP and web shop keys) is out of date too
    at: datetime


Change = StockCounted | BookingChanged | OrderStatusChanged | ArticlesChanged


class WebhookFormat(Protocol):
    """How one system signs and frames what it pushes, and what its events mean."""

    system: System
    signature_header: str
    types: frozenset[str]  # the event types it documents (metrics label others as "other")

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """A liveness check that carries no event (answered 2xx, nothing kept)."""

    def signature(self, secret: str, notification_url: str, body: bytes) -> str:
        """The signature header's value the system sends for `body`."""

    def delivery(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        """The event's id, type and time; raises Malformed."""

    async def changes(self, event: InboxEvent) -> list[Change]:
        """What the event changed; raises Malformed for a body that is not the event it says, ConnectorError
        when reading what it needs failed (the processor tries again)."""
