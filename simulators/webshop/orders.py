"""`/orders`, `/orders/{id}` and `/orders/batch` of the WooCommerce v3 API.

No idempotency: every `POST /orders` makes a new order. A client that must not create two
looks for its own meta key among `GET /orders?customer=…&after=…` before sending again.
"""

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .batch import read_batch, run_batch
from .order_book import OrderBook
from .order_json import OrderJson
from .order_model import ORDER_STATUSES, Order
from .order_writes import OrderWriter
from .params import QueryArgs
from .php import php_int
from .wp import Json, WpError, api_url, collection, item, json_response, request_params, wall_clock

STATUS_FILTER = ("any", "trash", *ORDER_STATUSES)
ORDER_BY = ("date", "id", "include", "title", "slug", "modified")

SortKey = Callable[[Order], Any]


class OrdersApi:
    def __init__(self, book: OrderBook, writer: OrderWriter, render: OrderJson) -> None:
        self.book = book
        self.writer = writer
        self.render = render

    async def get_items(self, request: web.Request) -> web.Response:
        args = QueryArgs(request)
        page = args.page()
        include, exclude = args.id_list("include"), args.id_list("exclude")
        customer = args.integer("customer")
        statuses = args.enum_list("status", "any", STATUS_FILTER)
        gmt = args.boolean("dates_are_gmt", False)
        after, before = args.date("after", gmt), args.date("before", gmt)
        modified_after, modified_before = args.date("modified_after", gmt), args.date("modified_before", gmt)
        orderby = args.enum("orderby", "date", ORDER_BY)
        descending = args.enum("order", "desc", ("asc", "desc")) == "desc"
        args.check()
        pool = self.book.everyone() if customer is None else self.book.of_customer(customer)
        rows = [o for o in pool
                if (("any" in statuses and o.status != "trash") or o.status in statuses)
                and (not include or o.id in include) and o.id not in exclude
                and (after is None or o.created > after) and (before is None or o.created < before)
                and (modified_after is None or o.modified > modified_after)
                and (modified_before is None or o.modified < modified_before)]
        rows.sort(key=_sort_key(orderby, include), reverse=descending)
        return collection(request, [self.render.order(o, request) for o in page.cut(rows)], len(rows), page)

    async def get_item(self, request: web.Request) -> web.Response:
        order = self.book.get(php_int(request.match_info["id"]))
        if order is None:
            return _invalid_id(404).response()
        return item(request, self.render.order(order, request))

    async def create_item(self, request: web.Request) -> web.Response:
        order = self.writer.create(await request_params(request), wall_clock())
        location = api_url(request, self.render.prefix, f"/orders/{order.id}")
        return item(request, self.render.order(order, request), 201, {"Location": location})

    async def update_item(self, request: web.Request) -> web.Response:
        order = self.book.get(php_int(request.match_info["id"]))
        if order is None:
            return _invalid_id(400).response()
        posted = await request_params(request)
        return item(request, self.render.order(self.writer.update(order, posted, wall_clock()), request))

    async def batch_items(self, request: web.Request) -> web.Response:
        work = await read_batch(request)
        now = wall_clock()

        def create(posted: dict[str, Any]) -> Json:
            return self.render.order(self.writer.create(posted, now), request)

        def update(posted: dict[str, Any]) -> Json:
            order = self.book.get(php_int(posted.get("id")))
            if order is None:
                raise _invalid_id(400)
            return self.render.order(self.writer.update(order, posted, now), request)

        def delete(order_id: int) -> Json:
            order = self.book.get(order_id)
            if order is None:
                raise _invalid_id(404)
            shown = self.render.order(order, request)
            self.book.delete(order)
            return shown

        return json_response(run_batch(work, create, update, delete))


def _sort_key(orderby: str, include: list[int]) -> SortKey:
    """Titles and slugs of orders are made of their date, so they sort as the date does."""
    if orderby == "include" and include:
        position = {order_id: n for n, order_id in enumerate(include)}
        return lambda o: position.get(o.id, len(position))
    if orderby == "id":
        return lambda o: o.id
    if orderby == "modified":
        return lambda o: (o.modified, o.id)
    return lambda o: (o.created, o.id)


def _invalid_id(status: int) -> WpError:
    return WpError("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", status)
