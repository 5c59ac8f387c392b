"""Orders the gateway places, cancels and refunds, each write found again by its own meta key.

WooCommerce has no idempotency keys: every `POST /orders` or `POST …/refunds` makes a new object. So
each carries our meta `omnigate_idempotency_key`, and after a timeout or 5xx (the write may have
happened, its reply lost) the order is looked for among the customer's orders placed since
(`GET /orders?customer=…&after=…`), the refund among the order's refunds, before sending once more.
A 4xx is an answer: raised as is, never resent.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from connectors.domain import Address, FulfillmentMethod, NewRefund, NewWebOrder, Purchase, System
from connectors.errors import UpstreamNotFound, UpstreamRejected, UpstreamUnavailable
from connectors.http import UpstreamClient

from .listing import PER_PAGE, Lister, shop_ids
from .read_orders import CHANNEL_KEY, FULFILLMENT_KEY, STORE_CODE_KEY, purchase
from .read_wire import Json, has_code, meta, money

KEY_META = "omnigate_idempotency_key"
GUESTS = "0"  # `customer=0` lists guest orders
# Home delivery and shipping from a store: the shop's flat rate, as the sheet's order body sends it.
FLAT_RATE = {"method_id": "flat_rate", "method_title": "Flat rate", "total": "4.90"}
# Click & collect in the blocks checkout's form (Local Pickup), our store code on the line.
PICKUP = {"method_id": "pickup_location", "method_title": "Local pickup", "total": "0.00"}
PICKUP_LOCATION_META = "pickup_location"
# The shop's clock and ours may disagree: orders are looked for from this long before they were placed.
CLOCK_MARGIN = timedelta(minutes=5)
ORDER_INVALID_ID = "woocommerce_rest_shop_order_invalid_id"
_CENT = Decimal("0.01")


class OrderWriter:
    def __init__(self, client: UpstreamClient, lister: Lister) -> None:
        self._client = client
        self._lister = lister

    async def place(self, order: NewWebOrder) -> Purchase:
        body = await self._order_body(order)
        row = await self._once(
            lambda: self._client.request("POST", "/orders", json=body, idempotent=False),
            lambda: self._keyed_order(order.key, order.customer_id, order.placed_at))
        return purchase(row)

    async def find(self, key: str, customer_id: str | None, placed_after: datetime) -> Purchase | None:
        row = await self._keyed_order(key, customer_id, placed_after)
        return purchase(row) if row is not None else None

    async def cancel(self, order_id: str) -> None:
        await self._set_status(order_id, "cancelled")

    async def complete(self, order_id: str) -> None:
        await self._set_status(order_id, "completed")

    async def _set_status(self, order_id: str, status: str) -> None:
        """`PUT` is idempotent, so retried like a read; an id the shop cannot hold is unknown there."""
        if not shop_ids([order_id]):
            return
        try:
            await self._client.request("PUT", f"/orders/{order_id}", json={"status": status}, idempotent=True)
        except UpstreamRejected as error:
            if not has_code(error, ORDER_INVALID_ID):
                raise

    async def refund(self, refund: NewRefund) -> str:
        """Looked for first as well (a saga may send it again after a crash): a refund is once per key."""
        if not shop_ids([refund.order_id]):
            raise UpstreamNotFound(System.WEBSHOP.value, f"{ORDER_INVALID_ID}: no order {refund.order_id!r}", 404)
        path = f"/orders/{refund.order_id}/refunds"
        if (found := await self._keyed_refund(path, refund.key)) is not None:
            return found
        order = await self._client.request("GET", f"/orders/{refund.order_id}")
        body = _refund_body(refund, order)

        async def send() -> Json:
            created: Json = await self._client.request("POST", path, json=body, idempotent=False)
            return created

        async def look() -> Json | None:
            refund_id = await self._keyed_refund(path, refund.key)
            return {"id": refund_id} if refund_id is not None else None

        return str((await self._once(send, look))["id"])

    async def refunded(self, order_id: str) -> list[tuple[str, int]]:
        """From the order's refunds, whoever made them: each refund line carries minus the units it paid back."""
        if not shop_ids([order_id]):
            return []
        found: list[tuple[str, int]] = []
        for refund in await self._lister.all_pages(f"/orders/{order_id}/refunds", {}):
            for line in refund.get("line_items") or []:
                if isinstance(line, dict) and isinstance(line.get("sku"), str) and line["sku"]:
                    found.append((line["sku"], abs(int(line.get("quantity") or 0))))
        return found

    async def _once(self, send: Callable[[], Awaitable[Json]], look: Callable[[], Awaitable[Json | None]]) -> Json:
        """Sends; after no useful answer looks for what was sent, and sends once more only when it is not there."""
        for attempt in range(2):
            try:
                return await send()
            except UpstreamUnavailable:
                found = await look()
                if found is not None:
                    return found
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    async def _keyed_order(self, key: str, customer_id: str | None, placed_after: datetime) -> Json | None:
        customer = GUESTS if customer_id is None else customer_id
        if not (customer == GUESTS or shop_ids([customer])):
            return None
        after = (placed_after - CLOCK_MARGIN).astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        rows = await self._lister.all_pages("/orders", {"customer": customer, "after": after, "dates_are_gmt": "true",
                                                        "orderby": "date", "order": "asc"})
        return next((row for row in rows if meta(row.get("meta_data")).get(KEY_META) == key), None)

    async def _keyed_refund(self, path: str, key: str) -> str | None:
        rows = await self._lister.all_pages(path, {})
        return next((str(row["id"]) for row in rows if meta(row.get("meta_data")).get(KEY_META) == key), None)

    async def _order_body(self, order: NewWebOrder) -> Json:
        customer = order.customer_id
        if customer is not None and not shop_ids([customer]):
            raise UpstreamRejected(System.WEBSHOP.value, f"woocommerce_rest_invalid_customer_id: {customer!r}", 400)
        await self._check_products([line.product_id for line in order.lines])
        notes = {KEY_META: order.key, CHANNEL_KEY: order.channel.value, FULFILLMENT_KEY: order.method.value}
        if order.store_code is not None:
            notes[STORE_CODE_KEY] = order.store_code
        body: Json = {
            "customer_id": int(customer) if customer is not None else 0, "status": "pending", "set_paid": False,
            "line_items": [{"product_id": int(line.product_id), "quantity": line.quantity} for line in order.lines],
            "shipping_lines": [_shipping_line(order)],
            "meta_data": [{"key": k, "value": v} for k, v in notes.items()],
        }
        if order.address is not None:
            body["shipping"] = body["billing"] = _address(order.address)
        return body

    async def _check_products(self, product_ids: list[str]) -> None:
        """Core saves a line whose product it does not know (without product): the sheet has us look first."""
        wanted = list(dict.fromkeys(product_ids))
        known = shop_ids(wanted)
        found: set[str] = set()
        for start in range(0, len(known), PER_PAGE):
            chunk = known[start:start + PER_PAGE]
            rows = await self._lister.page("/products", {"include": ",".join(chunk), "per_page": str(PER_PAGE),
                                                         "_fields": "id"})
            found |= {str(row.get("id")) for row in rows}
        if missing := [p for p in wanted if p not in found]:
            raise UpstreamRejected(System.WEBSHOP.value,
                                   f"woocommerce_rest_product_invalid_id: no product {', '.join(missing)}", 400)


def _shipping_line(order: NewWebOrder) -> Json:
    if order.method is FulfillmentMethod.DELIVERY:
        return dict(FLAT_RATE)
    if order.store_code is None:
        raise ValueError(f"{order.method.value} needs a store code")
    store_meta = {"key": STORE_CODE_KEY, "value": order.store_code}
    if order.method is FulfillmentMethod.SHIP_FROM_STORE:
        return {**FLAT_RATE, "meta_data": [store_meta]}
    return {**PICKUP, "meta_data": [{"key": PICKUP_LOCATION_META, "value": order.store_name or order.store_code},
                                    store_meta]}


def _address(address: Address) -> dict[str, str]:
    fields = {"address_1": address.line1, "address_2": address.line2, "city": address.city,
              "postcode": address.postal_code, "country": address.country_code, "state": address.region}
    return {name: value for name, value in fields.items() if value is not None}


def _refund_body(refund: NewRefund, order: Json) -> Json:
    """Each (sku, quantity) as the first order line recording that sku, paid back at its own unit price."""
    rows = [row for row in order.get("line_items") or [] if isinstance(row, dict)]
    items: list[Json] = []
    amount = Decimal(0)
    for sku, quantity in refund.lines:
        row = next((r for r in rows if r.get("sku") == sku), None)
        bought = int(row.get("quantity") or 0) if row is not None else 0
        if row is None or not 0 < quantity <= bought:
            raise UpstreamRejected(System.WEBSHOP.value, f"woocommerce_rest_invalid_order_refund: order "
                                   f"{refund.order_id} has no {quantity} unit(s) of {sku!r} to refund", 400)
        line_total = money(row.get("total"))
        total = ((line_total.amount if line_total else Decimal(0)) * quantity / bought).quantize(_CENT)
        amount += total
        items.append({"id": row["id"], "quantity": quantity, "refund_total": str(total)})
    return {"amount": str(amount.quantize(_CENT)), "reason": refund.reason or "", "line_items": items,
            "api_refund": False, "api_restock": False,
            "meta_data": [{"key": KEY_META, "value": refund.key}, {"key": STORE_CODE_KEY, "value": refund.store_code}]}
