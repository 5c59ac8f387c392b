"""`/orders/{order_id}/refunds`: an order's refunds, and new ones.

Refusals keep WooCommerce's quirk: the controller passes a bare number as the error data, so
WordPress answers 500 with `"data": 404` (unknown order) or `"data": 400` (negative amount).
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from .order_book import OrderBook
from .order_flow import OrderFlow, RefundRequest
from .order_json import OrderJson
from .params import BodyArgs, QueryArgs
from .php import php_int
from .product_writes import stock_amount, to_cents
from .wp import WpError, api_url, collection, item, request_params, wall_clock


class RefundsApi:
    def __init__(self, book: OrderBook, flow: OrderFlow, render: OrderJson) -> None:
        self.book = book
        self.flow = flow
        self.render = render

    async def get_items(self, request: web.Request) -> web.Response:
        args = QueryArgs(request)
        page = args.page()
        descending = args.enum("order", "desc", ("asc", "desc")) == "desc"
        args.check()
        order = self.book.get(php_int(request.match_info["order_id"]))
        refunds = sorted(order.refunds if order else [], key=lambda r: (r.created, r.id), reverse=descending)
        return collection(request, [self.render.refund(r, request) for r in page.cut(refunds)], len(refunds), page)

    async def create_item(self, request: web.Request) -> web.Response:
        posted = await request_params(request)
        _check(posted)
        order = self.book.get(php_int(request.match_info["order_id"]))
        if order is None:
            raise WpError("woocommerce_rest_invalid_order_id", "Invalid order ID.", 500, 404)
        refund = self.flow.refund(order, _refund_request(posted), wall_clock())
        location = api_url(request, self.render.prefix, f"/orders/{order.id}/refunds/{refund.id}")
        return item(request, self.render.refund(refund, request), 201, {"Location": location})


def _check(posted: Mapping[str, Any]) -> None:
    args = BodyArgs(posted)
    args.typed("amount", "string")
    args.typed("reason", "string")
    args.typed("api_refund", "boolean")
    args.typed("api_restock", "boolean")
    args.typed("meta_data", "array", {"key": "string"})
    args.check()


def _refund_request(posted: Mapping[str, Any]) -> RefundRequest:
    """`RestApiUtil::adjust_create_refund_request_parameters`: the amount defaults to the lines' sum."""
    lines = [line for line in posted.get("line_items") or [] if isinstance(line, dict) and "id" in line]
    amount = to_cents(posted["amount"]) if posted.get("amount") is not None else _lines_amount(lines)
    return RefundRequest(
        amount=amount or 0, reason=str(posted.get("reason") or ""),
        lines=[(php_int(line["id"]), stock_amount(line.get("quantity", 0)), to_cents(line.get("refund_total")) or 0)
               for line in lines],
        api_refund=_flag(posted.get("api_refund")), api_restock=_flag(posted.get("api_restock")),
        meta=[(str(m["key"]), m.get("value")) for m in posted.get("meta_data") or []
              if isinstance(m, dict) and m.get("key") is not None])


def _lines_amount(lines: list[dict[str, Any]]) -> int | None:
    """Only when every line has a numeric refund_total (and numeric taxes) is the sum used."""
    total = Decimal(0)
    try:
        for line in lines:
            total += Decimal(str(line["refund_total"]))
            total += sum((Decimal(str(t.get("refund_total"))) for t in line.get("refund_tax") or []), Decimal(0))
    except (KeyError, InvalidOperation, AttributeError):
        return None
    return to_cents(str(total)) if lines else None


def _flag(value: object) -> bool:
    """Booleans after WordPress sanitising; anything else (or nothing) means true."""
    return value not in (False, "false", "0", 0, "")
