"""What changed, by key only: a listener re-reads the current state through the usual ports and rules, so an
event never carries data a subscriber could not read, and a late event never overwrites a newer read."""

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ChangeKind(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"


@dataclass(frozen=True)
class StockChanged:
    """Sellable units of `item` (the POS's key, as `StockLevel.item`) at `store_code` changed: the till's count
    or a hold of Omnigate's ledger. `quantity` is the POS's new IN_STOCK count when the source said it."""

    item: str
    store_code: str
    occurred_at: datetime
    quantity: int | None = None


@dataclass(frozen=True)
class AppointmentChanged:
    kind: ChangeKind
    appointment_id: str
    store_code: str
    occurred_at: datetime


@dataclass(frozen=True)
class ReservationChanged:
    kind: ChangeKind
    reservation_id: str
    store_code: str
    occurred_at: datetime


@dataclass(frozen=True)
class OrderChanged:
    """An order's status changed; `customer_id` is Omnigate's customer id when the source knows the buyer."""

    order_id: str
    customer_id: str | None
    occurred_at: datetime


LiveEvent = StockChanged | AppointmentChanged | ReservationChanged | OrderChanged
_TYPES: dict[str, type[LiveEvent]] = {t.__name__: t for t in (
    StockChanged, AppointmentChanged, ReservationChanged, OrderChanged)}


def encode(event: LiveEvent) -> dict[str, Any]:
    """A JSON-ready form for the other replicas."""
    fields = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(event).items()}
    return {"type": type(event).__name__, **fields}


def decode(data: dict[str, Any]) -> LiveEvent:
    """The event `encode` gave; KeyError, TypeError or ValueError for what another version published."""
    fields = dict(data)
    kind = _TYPES[fields.pop("type")]
    fields["occurred_at"] = datetime.fromisoformat(fields["occurred_at"])
    if "kind" in fields:
        fields["kind"] = ChangeKind(fields["kind"])
    return kind(**fields)
