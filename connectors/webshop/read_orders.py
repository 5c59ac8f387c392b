"""WooCommerce order payloads into the domain's Purchase: status, fulfillment and lines.

Click & collect is recognised by its shipping method (`pickup_location` from
the blocks checkout, `local_pickup` from the classic one); the POS store code
rides along as our meta `omnigate_store_code`, since WooCommerce only knows
the pickup location's name.
"""

from connectors.domain import (
    Address,
    Channel,
    Fulfillment,
    FulfillmentMethod,
    OrderStatus,
    Purchase,
    PurchaseLine,
    System,
)
from connectors.vocabulary import domain_value

from .read_wire import STORE_CURRENCY, Json, instant, meta, money, text, zero

PICKUP_METHODS = frozenset({"pickup_location", "local_pickup"})
STORE_CODE_KEY = "omnigate_store_code"
CHANNEL_KEY = "omnigate_channel"
FULFILLMENT_KEY = "omnigate_fulfillment"
DEFAULT_CHANNEL = Channel.WEB
# Our own meta values are the domain's names; an order without them was placed on the web.
CHANNELS = {channel.value: channel for channel in Channel}
FULFILLMENTS = {method.value: method for method in FulfillmentMethod}
# WooCommerce's core statuses (drafts are carts still being checked out).
STATUSES = {
    "auto-draft": OrderStatus.PENDING, "checkout-draft": OrderStatus.PENDING, "pending": OrderStatus.PENDING,
    "on-hold": OrderStatus.PENDING, "processing": OrderStatus.CONFIRMED, "completed": OrderStatus.COMPLETED,
    "cancelled": OrderStatus.CANCELLED, "failed": OrderStatus.CANCELLED, "refunded": OrderStatus.RETURNED,
}


def purchase(order: Json) -> Purchase:
    """One order; raises KeyError/ValueError on a payload missing its id or creation date, and
    `UpstreamMalformed` on a status, channel or fulfilment method we do not know."""
    notes = meta(order.get("meta_data"))
    currency = text(order.get("currency")) or STORE_CURRENCY
    fulfillment = _fulfillment(order, notes)
    occurred_at = instant(order.get("date_created_gmt"))
    if occurred_at is None:
        raise ValueError(f"order {order.get('id')} has no date_created_gmt")
    return Purchase(
        id=str(order["id"]),
        source=System.WEBSHOP,
        channel=_channel(notes),
        occurred_at=occurred_at,
        total=money(order.get("total"), currency) or zero(currency),
        lines=tuple(_line(row, currency) for row in _rows(order.get("line_items"))),
        store_code=fulfillment.store_code if fulfillment.method is FulfillmentMethod.PICKUP_IN_STORE else None,
        number=str(order.get("number") or order["id"]),
        status=domain_value(System.WEBSHOP, "order status", STATUSES, order.get("status")),
        fulfillment=fulfillment,
        customer_id=str(order["customer_id"]) if order.get("customer_id") else None,
    )


def _channel(notes: dict[str, str]) -> Channel:
    if CHANNEL_KEY not in notes:
        return DEFAULT_CHANNEL
    return domain_value(System.WEBSHOP, CHANNEL_KEY, CHANNELS, notes[CHANNEL_KEY])


def _fulfillment(order: Json, notes: dict[str, str]) -> Fulfillment:
    shipping_lines = _rows(order.get("shipping_lines"))
    line_notes = [meta(line.get("meta_data")) for line in shipping_lines]
    store_code = next((n[STORE_CODE_KEY] for n in line_notes if STORE_CODE_KEY in n),
                      notes.get(STORE_CODE_KEY))
    method = _method(notes, shipping_lines)
    if method is FulfillmentMethod.PICKUP_IN_STORE:
        return Fulfillment(method, store_code=store_code)
    shipped_by = store_code if method is FulfillmentMethod.SHIP_FROM_STORE else None
    return Fulfillment(method, store_code=shipped_by, address=_address(order.get("shipping")))


def _method(notes: dict[str, str], shipping_lines: list[Json]) -> FulfillmentMethod:
    """Our own meta when the gateway placed the order, else click & collect by its shipping method."""
    if FULFILLMENT_KEY in notes:
        return domain_value(System.WEBSHOP, FULFILLMENT_KEY, FULFILLMENTS, notes[FULFILLMENT_KEY])
    if any(line.get("method_id") in PICKUP_METHODS for line in shipping_lines):
        return FulfillmentMethod.PICKUP_IN_STORE
    return FulfillmentMethod.DELIVERY


def _address(shipping: object) -> Address | None:
    """The shipping address, or None when the order has none (WooCommerce sends empty strings)."""
    if not isinstance(shipping, dict):
        return None
    line1, city = text(shipping.get("address_1")), text(shipping.get("city"))
    if line1 is None or city is None:
        return None
    return Address(line1=line1, postal_code=text(shipping.get("postcode")) or "", city=city,
                   country_code=text(shipping.get("country")) or "", line2=text(shipping.get("address_2")),
                   region=text(shipping.get("state")))


def _line(row: Json, currency: str) -> PurchaseLine:
    quantity = int(row.get("quantity") or 0)
    total = money(row.get("total"), currency) or zero(currency)
    unit = money(row.get("price"), currency) or total
    sku = row.get("sku")
    return PurchaseLine(sku=sku if isinstance(sku, str) and sku else None, gtin=None,
                        name=str(row.get("name") or ""), quantity=quantity, unit_price=unit, total=total)


def _rows(rows: object) -> list[Json]:
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
