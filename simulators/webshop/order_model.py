"""Orders and refunds as the shop stores them: mutable rows, money in cents, no taxes.

Totals are derived from the items, as `calculate_totals` derives them, so an edited order can
never disagree with its lines.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .wp import Json

ORDER_STATUSES = ("auto-draft", "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed",
                  "checkout-draft")


@dataclass
class Meta:
    id: int
    key: str
    value: Any

    def json(self) -> Json:
        return {"id": self.id, "key": self.key, "value": self.value}

    def item_json(self) -> Json:
        """Item meta also carries the display pair WooCommerce formats for the admin."""
        return {**self.json(), "display_key": self.key, "display_value": self.value}


@dataclass
class LineItem:
    id: int
    product_id: int  # 0 when the posted product did not exist
    name: str
    quantity: int
    total: int
    meta: list[Meta] = field(default_factory=list)


@dataclass
class ShippingItem:
    id: int
    method_id: str
    method_title: str
    total: int
    meta: list[Meta] = field(default_factory=list)


@dataclass
class RefundLine:
    id: int
    refunded_item: LineItem
    quantity: int
    total: int


@dataclass
class Refund:
    id: int
    order_id: int
    created: datetime
    amount: int
    reason: str
    refunded_payment: bool
    lines: list[RefundLine] = field(default_factory=list)
    meta: list[Meta] = field(default_factory=list)


@dataclass
class Order:
    id: int
    customer_id: int  # 0 = guest
    status: str
    created: datetime
    modified: datetime
    order_key: str
    created_via: str
    billing: Json
    shipping: Json
    lines: list[LineItem] = field(default_factory=list)
    shipping_lines: list[ShippingItem] = field(default_factory=list)
    meta: list[Meta] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)  # newest first
    payment_method: str = ""
    payment_method_title: str = ""
    transaction_id: str = ""
    customer_note: str = ""
    paid: datetime | None = None
    completed: datetime | None = None
    stock_reduced: bool = False

    @property
    def shipping_total(self) -> int:
        return sum(s.total for s in self.shipping_lines)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines) + self.shipping_total

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds)

    @property
    def remaining(self) -> int:
        """What may still be refunded (`get_remaining_refund_amount`)."""
        return self.total - self.refunded

    @property
    def needs_payment(self) -> bool:
        return self.status in ("pending", "failed") and self.total > 0

    def line(self, item_id: int) -> LineItem | None:
        return next((line for line in self.lines if line.id == item_id), None)

    def meta_value(self, key: str) -> Any:
        return next((m.value for m in self.meta if m.key == key), None)


def empty_address(with_contact: bool) -> Json:
    address: Json = {"first_name": "", "last_name": "", "company": "", "address_1": "", "address_2": "", "city": "",
                     "state": "", "postcode": "", "country": ""}
    return {**address, "email": "", "phone": ""} if with_contact else address


def upsert_meta(metas: list[Meta], key: str, value: Any, meta_id: object, new_id: Callable[[], int]) -> None:
    """`update_meta_data`: the meta with that id, else the first with that key, else a new one."""
    found = next((m for m in metas if meta_id and m.id == meta_id), None) \
        or next((m for m in metas if m.key == key), None)
    if found is None:
        metas.append(Meta(new_id(), key, value))
    else:
        found.key, found.value = key, value
