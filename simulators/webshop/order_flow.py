"""What follows a status change or a refund: paid and completed dates, stock, the refunded status.

Mirrors WooCommerce's hooks: paid statuses take the items' stock once, cancelling gives it back,
setting `refunded` refunds what is left, and a refund that empties the order marks it refunded.
"""

from dataclasses import dataclass
from datetime import datetime

from .catalog import Catalog
from .order_book import OrderBook
from .order_model import Order, Refund, RefundLine, upsert_meta
from .wp import WpError

STOCK_TAKING = ("processing", "completed", "on-hold")  # `wc_maybe_reduce_stock_levels`
STOCK_RETURNING = ("cancelled", "pending")  # `wc_maybe_increase_stock_levels`
PAYABLE = ("on-hold", "pending", "failed", "cancelled")  # `woocommerce_valid_order_statuses_for_payment_complete`
GATEWAYS = {"stripe": True, "ppcp-gateway": True, "bacs": False, "cheque": False, "cod": False}  # id: refunds?
FULL_REFUND_REASON = "Order status set to refunded"


@dataclass(frozen=True, slots=True)
class RefundRequest:
    amount: int
    reason: str
    lines: list[tuple[int, int, int]]  # (order line id, quantity, amount)
    api_refund: bool
    api_restock: bool
    meta: list[tuple[str, object]]


class OrderFlow:
    def __init__(self, book: OrderBook, catalog: Catalog) -> None:
        self.book = book
        self.catalog = catalog

    def set_status(self, order: Order, status: str, now: datetime) -> None:
        if status == order.status:
            return
        order.status = status
        order.modified = now
        self.book.changes.note("order", order.id, "updated")
        if status in ("processing", "completed") and order.paid is None:
            order.paid = now
        if status == "completed":
            order.completed = now
        if status in STOCK_TAKING and not order.stock_reduced:
            self._move_stock(order, -1, now)
        elif status in STOCK_RETURNING and order.stock_reduced:
            self._move_stock(order, +1, now)
        if status == "refunded" and order.remaining > 0:
            self.refund(order, RefundRequest(order.remaining, FULL_REFUND_REASON, [], False, False, []), now)

    def pay(self, order: Order, transaction_id: str, now: datetime) -> None:
        """`payment_complete`: only an order still waiting for its money moves to processing."""
        if order.status not in PAYABLE:
            return
        if transaction_id:
            order.transaction_id = transaction_id
        order.paid = order.paid or now
        self.set_status(order, "processing", now)

    def refund(self, order: Order, request: RefundRequest, now: datetime) -> Refund:
        """`wc_create_refund`; refusals are WooCommerce's 500s with the status WordPress drops in `data`."""
        if request.amount < 0:
            raise WpError("woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.", 500, 400)
        if request.amount > order.remaining:
            raise _cannot("Invalid refund amount.")
        if request.api_refund:
            if order.payment_method not in GATEWAYS:
                raise _cannot("The payment gateway for this order does not exist.")
            if not GATEWAYS[order.payment_method]:
                raise _cannot("The payment gateway for this order does not support automatic refunds.")
        refund = Refund(self.book.new_post_id(), order.id, now, request.amount, request.reason, request.api_refund)
        for line_id, quantity, amount in request.lines:
            line = order.line(line_id)
            if line is not None:
                refund.lines.append(RefundLine(self.book.new_item_id(), line, quantity, amount))
                if request.api_restock and quantity:
                    self.catalog.adjust_stock(line.product_id, quantity, now)
        for key, value in request.meta:
            upsert_meta(refund.meta, key, value, None, self.book.new_meta_id)
        order.refunds.insert(0, refund)
        order.modified = now
        self.book.changes.note("order", order.id, "updated")
        if order.remaining <= 0:
            self.set_status(order, "refunded", now)
        return refund

    def _move_stock(self, order: Order, sign: int, now: datetime) -> None:
        for line in order.lines:
            if line.product_id:
                self.catalog.adjust_stock(line.product_id, sign * line.quantity, now)
        order.stock_reduced = sign < 0


def _cannot(message: str) -> WpError:
    return WpError("woocommerce_rest_cannot_create_order_refund", message, 500, 500)
