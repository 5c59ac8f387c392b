"""Orders and refunds as the v3 order and refund schemas show them."""

from aiohttp import web

from .catalog import Catalog
from .order_model import LineItem, Order, Refund, ShippingItem
from .wp import Json, api_url, date_fields, links, money, site_url

WC_VERSION = "9.4.2"
ZERO = "0.00"


class OrderJson:
    """Renders with the live catalog: a line's `sku` and image are the product's current ones."""

    def __init__(self, catalog: Catalog, prefix: str) -> None:
        self.catalog = catalog
        self.prefix = prefix

    def order(self, order: Order, request: web.Request) -> Json:
        row: Json = {
            "id": order.id, "parent_id": 0, "status": order.status, "currency": "EUR", "version": WC_VERSION,
            "prices_include_tax": False, **date_fields("date_created", order.created),
            **date_fields("date_modified", order.modified), "discount_total": ZERO, "discount_tax": ZERO,
            "shipping_total": money(order.shipping_total), "shipping_tax": ZERO, "cart_tax": ZERO,
            "total": money(order.total), "total_tax": ZERO, "customer_id": order.customer_id,
            "order_key": order.order_key, "billing": dict(order.billing), "shipping": dict(order.shipping),
            "payment_method": order.payment_method, "payment_method_title": order.payment_method_title,
            "transaction_id": order.transaction_id, "customer_ip_address": "", "customer_user_agent": "",
            "created_via": order.created_via, "customer_note": order.customer_note,
            **date_fields("date_completed", order.completed), **date_fields("date_paid", order.paid),
            "cart_hash": "", "number": str(order.id), "meta_data": [m.json() for m in order.meta],
            "line_items": [self._line(line) for line in order.lines], "tax_lines": [],
            "shipping_lines": [_shipping(s) for s in order.shipping_lines], "fee_lines": [], "coupon_lines": [],
            "refunds": [{"id": r.id, "reason": r.reason, "total": "-" + money(r.amount)} for r in order.refunds],
            "payment_url": f"{site_url(request, self.prefix)}/checkout/order-pay/{order.id}/"
                           f"?pay_for_order=true&key={order.order_key}",
            "is_editable": order.status in ("pending", "on-hold", "auto-draft"),
            "needs_payment": order.needs_payment, "needs_processing": True, "currency_symbol": "€",
            "_links": self._order_links(order, request),
        }
        return row

    def refund(self, refund: Refund, request: web.Request) -> Json:
        base = f"/orders/{refund.order_id}/refunds"
        return {
            "id": refund.id, **date_fields("date_created", refund.created), "amount": money(refund.amount),
            "reason": refund.reason, "refunded_by": 1, "refunded_payment": refund.refunded_payment,
            "meta_data": [m.json() for m in refund.meta],
            "line_items": [{**self._line(LineItem(r.id, r.refunded_item.product_id, r.refunded_item.name,
                                                  -r.quantity, -r.total)),
                            "meta_data": [{"id": 0, "key": "_refunded_item_id", "value": str(r.refunded_item.id),
                                           "display_key": "_refunded_item_id",
                                           "display_value": str(r.refunded_item.id)}],
                            "refund_total": r.total / 100}
                           for r in refund.lines],
            "shipping_lines": [], "tax_lines": [], "fee_lines": [],
            "_links": {**links(request, self.prefix, f"{base}/{refund.id}", base),
                       "up": [{"href": api_url(request, self.prefix, f"/orders/{refund.order_id}")}]},
        }

    def _line(self, line: LineItem) -> Json:
        product = self.catalog.get(line.product_id) if line.product_id else None
        image = product.images[0] if product is not None and product.images else None
        return {
            "id": line.id, "name": line.name, "product_id": line.product_id, "variation_id": 0,
            "quantity": line.quantity, "tax_class": "", "subtotal": money(line.total), "subtotal_tax": ZERO,
            "total": money(line.total), "total_tax": ZERO, "taxes": [], "meta_data": [m.item_json() for m in line.meta],
            "sku": product.sku if product is not None else None,
            "price": line.total / 100 / line.quantity if line.quantity else 0,
            "image": {"id": image.id if image else "", "src": image.src if image else ""}, "parent_name": None,
        }

    def _order_links(self, order: Order, request: web.Request) -> Json:
        found = links(request, self.prefix, f"/orders/{order.id}", "/orders")
        if order.customer_id:
            found["customer"] = [{"href": api_url(request, self.prefix, f"/customers/{order.customer_id}")}]
        return found


def _shipping(item: ShippingItem) -> Json:
    return {"id": item.id, "method_title": item.method_title, "method_id": item.method_id, "instance_id": "",
            "total": money(item.total), "total_tax": ZERO, "taxes": [], "meta_data": [m.item_json() for m in item.meta]}
