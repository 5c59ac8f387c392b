"""Creating and editing an order from a posted body, in WooCommerce's order of checks.

The body is checked against the schema first, then items are built (a line needs a product id
or a SKU, a shipping line a method id), then the customer must exist; only then is anything
stored. A product id the shop does not know is still accepted: the line is kept without product.
"""

import secrets
from collections.abc import Mapping
from copy import deepcopy
from datetime import datetime
from typing import Any

from .catalog import Catalog
from .customers import Directory
from .order_book import GUEST, OrderBook
from .order_flow import OrderFlow
from .order_model import ORDER_STATUSES, LineItem, Meta, Order, ShippingItem, empty_address, upsert_meta
from .params import BodyArgs
from .php import php_int
from .product_writes import stock_amount, to_cents
from .wp import WpError

LINE_FIELDS = {"quantity": "integer", "product_id": "integer", "variation_id": "integer", "sku": "string"}
META_FIELDS = {"key": "string"}


class OrderWriter:
    def __init__(self, book: OrderBook, catalog: Catalog, directory: Directory, flow: OrderFlow) -> None:
        self.book = book
        self.catalog = catalog
        self.directory = directory
        self.flow = flow

    def create(self, posted: Mapping[str, Any], now: datetime) -> Order:
        if posted.get("id"):
            raise WpError("woocommerce_rest_shop_order_exists", "Cannot create existing shop_order.", 400)
        _check(posted)
        order = Order(id=0, customer_id=GUEST, status="pending", created=now, modified=now,
                      order_key="wc_order_" + secrets.token_hex(7)[:13], created_via="rest-api",
                      billing=empty_address(True), shipping=empty_address(False))
        self._apply(order, posted, creating=True)
        order.id = self.book.new_post_id()
        self.book.add(order)
        self._finish(order, posted, now, creating=True)
        return order

    def update(self, order: Order, posted: Mapping[str, Any], now: datetime) -> Order:
        _check(posted)
        before = order.customer_id
        self._apply(order, posted, creating=False)
        if order.customer_id != before:
            moved_to, order.customer_id = order.customer_id, before
            self.book.move(order, moved_to)
        order.modified = now
        self.book.changes.note("order", order.id, "updated")
        self._finish(order, posted, now, creating=False)
        return order

    def _apply(self, order: Order, posted: Mapping[str, Any], creating: bool) -> None:
        """Builds the new state aside and only copies it in once every check has passed."""
        action = "create" if creating else "update"
        lines = [self._line(order, item, action) for item in posted.get("line_items") or [] if _wanted(item)]
        shipping = [self._shipping(order, item, action) for item in posted.get("shipping_lines") or []
                    if _wanted(item)]
        customer_id = _customer_id(posted.get("customer_id"), order.customer_id)
        if customer_id and self.directory.get(customer_id) is None:
            raise WpError("woocommerce_rest_invalid_customer_id", "Customer ID is invalid.", 400)
        order.customer_id = customer_id
        _merge(order.lines, lines, [item.get("id") for item in posted.get("line_items") or [] if _removed(item)])
        _merge(order.shipping_lines, shipping,
               [item.get("id") for item in posted.get("shipping_lines") or [] if _removed(item)])
        for kind in ("billing", "shipping"):
            if isinstance(posted.get(kind), dict):
                address = getattr(order, kind)
                address.update({k: str(v) for k, v in posted[kind].items() if k in address and v is not None})
        for meta in posted.get("meta_data") or []:
            if meta.get("key") is not None:
                upsert_meta(order.meta, str(meta["key"]), meta.get("value"), meta.get("id"), self.book.new_meta_id)
        for name in ("payment_method", "payment_method_title", "transaction_id", "customer_note"):
            if posted.get(name) is not None:
                setattr(order, name, str(posted[name]))

    def _finish(self, order: Order, posted: Mapping[str, Any], now: datetime, creating: bool) -> None:
        if posted.get("status"):
            self.flow.set_status(order, str(posted["status"]), now)
        if posted.get("set_paid") in (True, "true", "1", 1) and (creating or order.needs_payment):
            self.flow.pay(order, str(posted.get("transaction_id") or ""), now)

    def _line(self, order: Order, posted: Mapping[str, Any], action: str) -> LineItem:
        existing = order.line(php_int(posted.get("id"))) if posted.get("id") else None
        line = deepcopy(existing) if existing is not None else LineItem(0, 0, "", 1, 0)
        product_id = self._product_id(posted, action)
        product = self.catalog.get(product_id) if product_id else None
        if product is not None and product.id != line.product_id:
            line.product_id, line.name = product.id, product.name
            if action == "create" or existing is None:
                quantity = stock_amount(posted.get("quantity", 1))
                line.total = (product.price(self.catalog.clock) or 0) * quantity
        if "name" in posted:
            line.name = str(posted["name"])
        if "quantity" in posted:
            line.quantity = stock_amount(posted["quantity"])
        if "total" in posted:
            line.total = to_cents(posted["total"]) or 0
        self._posted_meta(line.meta, posted)
        if existing is None:
            line.id = self.book.new_item_id()
        return line

    def _posted_meta(self, meta: list[Meta], posted: Mapping[str, Any]) -> None:
        """The `meta_data` entries sent for a line item or shipping line, added or updated by id or key."""
        for entry in posted.get("meta_data") or []:
            if isinstance(entry, dict) and entry.get("key") is not None:
                upsert_meta(meta, str(entry["key"]), entry.get("value"), entry.get("id"), self.book.new_meta_id)

    def _product_id(self, posted: Mapping[str, Any], action: str) -> int:
        """`get_product_id`: the SKU wins over the id; neither is an error only when creating the line."""
        if posted.get("sku"):
            product = self.catalog.by_sku(str(posted["sku"]))
            return product.id if product is not None else 0
        if posted.get("product_id") or posted.get("variation_id"):
            return php_int(posted.get("variation_id") or posted.get("product_id"))
        if action == "update" and posted.get("id"):
            return 0
        raise WpError("woocommerce_rest_required_product_reference", "Product ID or SKU is required.", 400)

    def _shipping(self, order: Order, posted: Mapping[str, Any], action: str) -> ShippingItem:
        existing = next((s for s in order.shipping_lines if posted.get("id") and s.id == php_int(posted["id"])), None)
        if existing is None and not posted.get("method_id"):
            raise WpError("woocommerce_rest_invalid_shipping_item", "Shipping method ID is required.", 400)
        item = deepcopy(existing) if existing is not None else ShippingItem(self.book.new_item_id(), "", "", 0)
        if posted.get("method_id"):
            item.method_id = str(posted["method_id"])
        if "method_title" in posted:
            item.method_title = str(posted["method_title"])
        if "total" in posted:
            item.total = to_cents(posted["total"]) or 0
        self._posted_meta(item.meta, posted)
        return item


def _check(posted: Mapping[str, Any]) -> None:
    args = BodyArgs(posted)
    args.typed("customer_id", "integer")
    args.enum("status", ORDER_STATUSES)
    args.typed("set_paid", "boolean")
    args.typed("billing", "object")
    args.typed("shipping", "object")
    args.typed("line_items", "array", LINE_FIELDS)
    args.typed("shipping_lines", "array", {})
    args.typed("meta_data", "array", META_FIELDS)
    args.check()


def _wanted(item: Mapping[str, Any]) -> bool:
    return not _removed(item)


def _removed(item: Mapping[str, Any]) -> bool:
    """A posted item with only nulls, or quantity 0, deletes the item it names."""
    return all(v is None for k, v in item.items() if k != "id") or item.get("quantity") == 0


def _merge(current: list[Any], changed: list[Any], removed: list[object]) -> None:
    """Edited items replace their originals in place, new ones go last, removed ones go."""
    gone = {php_int(r) for r in removed}
    edited = {item.id: item for item in changed}
    kept_ids = {item.id for item in current}
    current[:] = [edited.get(item.id, item) for item in current if item.id not in gone] + \
        [item for item in changed if item.id not in kept_ids]


def _customer_id(value: object, current: int) -> int:
    return current if value is None else php_int(value)
