"""The web shop: WooCommerce REST API v3 plus the TI Wishlist plugin, over the demo world.

Ids are the shop's own: products and customers by their `webshop_id`, orders by the world's web
order ids, categories, images, items and wishlists numbered by the shop (see each module).
Credentials go over plain HTTP as an OAuth 1.0a signature, as real WooCommerce takes them there, or as
Basic or query keys (our choice: TLS is assumed to end in front of the shop).
"""

from collections.abc import Callable
from typing import ClassVar

from aiohttp import web

from connectors.credentials import DEMO_CREDENTIALS, Credentials
from simulators.base import Simulator
from simulators.control import Control
from simulators.openapi import webshop as webshop_openapi
from simulators.openapi.builder import ApiDescription
from simulators.webhooks.control import ControlRoute, control_error, courier_routes, json_object
from simulators.webhooks.courier import Courier, WebhookSettings
from simulators.world import World

from . import auth
from .catalog import Catalog
from .customers import CustomersApi, Directory
from .oauth import Nonces
from .order_book import OrderBook
from .order_flow import OrderFlow
from .order_json import OrderJson
from .order_model import ORDER_STATUSES
from .order_writes import OrderWriter
from .orders import OrdersApi
from .product_json import product_json
from .products import ProductsApi
from .refunds import RefundsApi
from .webhook_book import WebhookBook, sim_view
from .webhook_publish import Publisher
from .webhooks_api import CANNOT_DELETE, WebhooksApi
from .wishlist import WishlistApi, unauthorized
from .wishlist_book import Wishlists
from .wp import API_ROOT, Handler, Json, WpError, answering_errors, no_route_handler, status_error, wall_clock

SHARE_KEY = "{share_key:[A-Fa-f0-9]{6}}"
EDITABLE = ("POST", "PUT", "PATCH")

Route = tuple[tuple[str, ...], str, Handler, auth.Guard]


class WebshopSimulator(Simulator):
    system: ClassVar[str] = "webshop"

    def __init__(self, world: World, credentials: Credentials = DEMO_CREDENTIALS,
                 control: Control | None = None, webhooks: WebhookSettings | None = None) -> None:
        super().__init__(world, credentials, control)
        self.catalog = Catalog(world)
        self.directory = Directory(world)
        self.orders = OrderBook(world, self.directory)
        self.orders.changes = self.catalog.changes  # one record of what each request changed
        self.flow = OrderFlow(self.orders, self.catalog)
        self.render = OrderJson(self.catalog, self.prefix)
        self.courier = Courier(self.system, webhooks)
        self.webhooks = WebhookBook(self.courier, first_id=1)
        self.publisher = Publisher(self.webhooks, self.catalog.changes,
                                   {"order": self._order_json, "product": self._product_json}, self.prefix)
        self.wishlists = Wishlists(world, self.directory, self.catalog)
        self.nonces = Nonces()
        self._guards: dict[Handler, auth.Guard] = {}

    def add_routes(self, app: web.Application) -> None:
        for methods, path, handler, guard in self._routes():
            wrapped = self.publisher.around(answering_errors(handler))
            self._guards[wrapped] = guard
            for method in methods:
                app.router.add_route(method, API_ROOT + path, wrapped)
        app.router.add_route("*", "/{tail:.*}", no_route_handler)
        app.on_shutdown.append(self._stop_deliveries)

    def control_routes(self) -> list[ControlRoute]:
        return [*courier_routes(self.courier), ("GET", "/webhooks", self._sim_webhooks),
                ("POST", "/orders/{id}/status", self._sim_order_status)]

    def api_description(self) -> ApiDescription:
        return webshop_openapi.DESCRIPTION

    def error_response(self, status: int, message: str) -> web.Response:
        return status_error(status, message)

    def refuse(self, request: web.Request) -> web.Response | None:
        try:
            caller = auth.identify(request, self.credentials, self.nonces)
        except WpError as error:
            return error.response()
        if caller is auth.Caller.BAD_SECRET:
            return auth.bad_secret()
        if caller is auth.Caller.API_USER:
            return None
        guard: Callable[[web.Request], web.Response | None] = self._guards.get(request.match_info.handler, auth.public)
        return guard(request)

    def _routes(self) -> list[Route]:
        products = ProductsApi(self.catalog, self.prefix)
        customers = CustomersApi(self.directory, self.prefix)
        render, flow = self.render, self.flow
        webhooks = WebhooksApi(self.webhooks, self.prefix)
        orders = OrdersApi(self.orders, OrderWriter(self.orders, self.catalog, self.directory, flow), render)
        refunds = RefundsApi(self.orders, flow, render)
        wishlist = WishlistApi(self.wishlists)
        return [
            (("GET",), "/products", products.get_items, auth.CANNOT_LIST),
            (("GET",), r"/products/{id:[0-9]+}", products.get_item, auth.CANNOT_VIEW),
            (EDITABLE, "/products/batch", products.batch_items, auth.CANNOT_BATCH),
            (("GET",), "/customers", customers.get_items, auth.CANNOT_LIST),
            (("GET",), r"/customers/{id:[0-9]+}", customers.get_item, auth.CANNOT_VIEW),
            (("GET",), "/orders", orders.get_items, auth.CANNOT_LIST),
            (("POST",), "/orders", orders.create_item, auth.CANNOT_CREATE),
            (EDITABLE, "/orders/batch", orders.batch_items, auth.CANNOT_BATCH),
            (("GET",), r"/orders/{id:[0-9]+}", orders.get_item, auth.CANNOT_VIEW),
            (EDITABLE, r"/orders/{id:[0-9]+}", orders.update_item, auth.CANNOT_EDIT),
            (("GET",), r"/orders/{order_id:[0-9]+}/refunds", refunds.get_items, auth.CANNOT_LIST),
            (("POST",), r"/orders/{order_id:[0-9]+}/refunds", refunds.create_item, auth.CANNOT_CREATE),
            (("GET",), "/webhooks", webhooks.get_items, auth.CANNOT_LIST),
            (("POST",), "/webhooks", webhooks.create_item, auth.CANNOT_CREATE),
            (EDITABLE, "/webhooks/batch", webhooks.batch_items, auth.CANNOT_BATCH),
            (("GET",), r"/webhooks/{id:[0-9]+}", webhooks.get_item, auth.CANNOT_VIEW),
            (EDITABLE, r"/webhooks/{id:[0-9]+}", webhooks.update_item, auth.CANNOT_EDIT),
            (("DELETE",), r"/webhooks/{id:[0-9]+}", webhooks.delete_item, CANNOT_DELETE),
            (("GET",), f"/wishlist/get_by_share_key/{SHARE_KEY}", wishlist.by_share_key, auth.public),
            (("GET",), r"/wishlist/get_by_user/{user_id:[0-9]+}", wishlist.by_user, unauthorized),
            (("POST",), f"/wishlist/update/{SHARE_KEY}", wishlist.update, wishlist.guard_modify),
            (("GET",), f"/wishlist/{SHARE_KEY}/get_products", wishlist.products, auth.public),
            (("POST",), f"/wishlist/{SHARE_KEY}/add_product", wishlist.add_product, wishlist.guard_modify),
            (("DELETE",), rf"/wishlist/{SHARE_KEY}/remove_product/{{item_id:[0-9]+}}", wishlist.remove_product,
             wishlist.guard_modify),
        ]

    def _order_json(self, order_id: int, request: web.Request) -> Json | None:
        order = self.orders.get(order_id)
        return None if order is None else self.render.order(order, request)

    def _product_json(self, product_id: int, request: web.Request) -> Json | None:
        product = self.catalog.get(product_id)
        return None if product is None else product_json(product, self.catalog.clock, request, self.prefix)

    async def _sim_webhooks(self, _: web.Request) -> web.Response:
        """The webhooks with the failure count WooCommerce keeps but its API does not show."""
        return web.json_response({"webhooks": [sim_view(w) for w in self.webhooks.records.values()]})

    async def _sim_order_status(self, request: web.Request) -> web.Response:
        """A shop manager changing an order's status in wp-admin: the same flow, the same order.updated."""
        order = self.orders.get(int(request.match_info["id"])) if request.match_info["id"].isdigit() else None
        if order is None:
            return control_error("unknown order", 404)
        try:
            status = (await json_object(request)).get("status")
            if status not in ORDER_STATUSES:
                raise ValueError(f"status must be one of {', '.join(ORDER_STATUSES)}")
        except ValueError as exc:
            return control_error(str(exc))
        self.flow.set_status(order, str(status), wall_clock())
        self.publisher.publish(request)
        return web.json_response(self.render.order(order, request))

    async def _stop_deliveries(self, _: web.Application) -> None:
        await self.courier.close()
