"""Contract suite for the web shop adapter, run against the WooCommerce simulator over real HTTP.

Batching is the point of most methods here, so the tests count the simulator's
hits per route as well as checking values against the demo world.
"""

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from connectors.domain import Address, Money, System
from connectors.errors import UpstreamAuthFailed, UpstreamTimeout, UpstreamUnavailable
from connectors.http import basic_auth
from connectors.webshop.adapter import WebshopAdapter
from simulators.control import Faults
from simulators.webshop.simulator import WebshopSimulator
from simulators.webshop.wp import SHOP_TZ
from simulators.world import DemoCustomer, DemoProduct, World

API_PATH = "/wp-json/wc/v3"
API = f"/webshop{API_PATH}"
PRODUCTS = f"GET {API}/products"
ORDERS = f"GET {API}/orders"
WISHLIST_BY_USER = f"GET {API}/wishlist/get_by_user/{{user_id}}"
WISHLIST_ITEMS = f"GET {API}/wishlist/{{share_key}}/get_products"
KEY, SECRET = "ck_demo", "cs_demo"
STATUS = {"processing": "CONFIRMED", "completed": "COMPLETED", "cancelled": "CANCELLED", "refunded": "RETURNED"}

ServeBehind = Callable[[Middleware], Awaitable[str]]


@pytest.fixture
def sim(world: World) -> WebshopSimulator:
    return WebshopSimulator(world)


@pytest.fixture
async def base_url(sim: WebshopSimulator) -> AsyncIterator[str]:
    yield await sim.start()
    await sim.stop()


@pytest.fixture
def adapter(base_url: str, session: aiohttp.ClientSession) -> WebshopAdapter:
    return WebshopAdapter.connect(session, base_url, KEY, SECRET, timeout_s=2.0, shop_timezone=SHOP_TZ.key)


@pytest.fixture
async def serve_behind(sim: WebshopSimulator) -> AsyncIterator[ServeBehind]:
    """Serves the simulator behind one extra middleware, as a proxy in front of the shop would sit; its URL."""
    runners: list[web.AppRunner] = []

    async def start(middleware: Middleware) -> str:
        root = web.Application(middlewares=[middleware])
        root.add_subapp(sim.prefix, sim.app())
        runner = web.AppRunner(root, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}{sim.prefix}"

    yield start
    for runner in runners:
        await runner.cleanup()


class Overlap:
    """Holds each request for a page after the first until `expected` of them are in flight; counts the most.

    A reader that asks one page at a time waits out `patience` on every page and shows a most of 1.
    """

    def __init__(self, expected: int, patience_s: float = 1.0) -> None:
        self.expected, self.patience_s = expected, patience_s
        self.in_flight = self.most = 0
        self._all_in = asyncio.Event()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.query.get("page", "1") == "1":
            return await handler(request)
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        if self.in_flight == self.expected:
            self._all_in.set()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._all_in.wait(), self.patience_s)
            return await handler(request)
        finally:
            self.in_flight -= 1


@web.middleware
async def without_total_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A proxy that drops WordPress's `X-WP-TotalPages`."""
    response = await handler(request)
    response.headers.popall("X-WP-TotalPages", None)
    return response


async def post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> Any:
    """A write straight to the shop, to set up what the world does not hold (long lists, our meta)."""
    async with session.post(url, json=body, headers=basic_auth(KEY, SECRET)) as response:
        assert response.status in (200, 201), await response.text()
        return await response.json()


async def place_orders(session: aiohttp.ClientSession, base_url: str, customer_id: int, product_id: int,
                       bodies: list[dict[str, Any]]) -> list[str]:
    """Orders for one customer, each `body` merged over a one-line delivery order; their ids."""
    base = {"customer_id": customer_id, "set_paid": True, "line_items": [{"product_id": product_id, "quantity": 1}],
            "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "4.90"}]}
    created = [await post(session, f"{base_url}{API_PATH}/orders", {**base, **body}) for body in bodies]
    return [str(order["id"]) for order in created]


async def get(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url, headers=basic_auth(KEY, SECRET)) as response:
        assert response.status == 200, await response.text()
        return await response.json()


def calls(sim: WebshopSimulator, route: str | None = None) -> int:
    shop: Any = sim.control.stats()["systems"]
    counted = shop["webshop"]
    return int(counted["total"] if route is None else counted["routes"].get(route, 0))


def online(world: World) -> list[DemoProduct]:
    return [p for p in world.products if p.webshop_id is not None]


def on_sale(world: World, product: DemoProduct) -> bool:
    return any(p.starts <= world.as_of <= p.ends for p in product.promotions)


def shoppers(world: World) -> list[DemoCustomer]:
    return [c for c in world.customers if c.webshop_id is not None]


def by_orders(world: World) -> list[DemoCustomer]:
    """Web shop customers, those with the most orders first."""
    return sorted(shoppers(world), key=lambda c: -len(world.history.web_orders(c)))


# ---------------------------------------------------------------- health and credentials

async def test_an_unknown_consumer_key_is_an_auth_failure(base_url: str, session: aiohttp.ClientSession) -> None:
    adapter = WebshopAdapter.connect(session, base_url, "ck_unknown", SECRET, timeout_s=2.0)

    with pytest.raises(UpstreamAuthFailed) as raised:
        await adapter.check()

    assert raised.value.system == "webshop"
    assert raised.value.status == 401


@pytest.mark.parametrize("faults", [Faults(down=True), Faults(error_rate=1.0)])
async def test_a_failing_shop_is_unavailable_naming_it(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                      faults: Faults) -> None:
    sim.control.set_faults("webshop", faults)

    with pytest.raises(UpstreamUnavailable) as raised:
        await adapter.products(["2000"])

    assert raised.value.system == "webshop"


async def test_a_hanging_shop_times_out(base_url: str, session: aiohttp.ClientSession,
                                        sim: WebshopSimulator) -> None:
    adapter = WebshopAdapter.connect(session, base_url, KEY, SECRET, timeout_s=0.2)
    sim.control.set_faults("webshop", Faults(hang=True))

    with pytest.raises(UpstreamTimeout) as raised:
        await adapter.check()

    assert raised.value.system == "webshop"


# ---------------------------------------------------------------- online catalog

async def test_product_keys_lists_every_product_with_its_sku_as_stored(adapter: WebshopAdapter,
                                                                      sim: WebshopSimulator,
                                                                      world: World) -> None:
    expected = {(str(p.webshop_id), p.webshop_sku) for p in online(world)}
    assert any(p.webshop_sku != p.sku for p in online(world)), "the world drifts some skus"

    keys = await adapter.product_keys()

    assert sorted(keys) == sorted(expected)
    assert len(keys) == len(expected)
    assert calls(sim, PRODUCTS) == math.ceil(len(expected) / 100)


async def test_product_keys_read_every_page_after_the_first_at_once(sim: WebshopSimulator, world: World,
                                                                    session: aiohttp.ClientSession,
                                                                    serve_behind: ServeBehind) -> None:
    # given a catalog of several pages, served so that a later page waits until all later pages are asked for
    expected = {(str(p.webshop_id), p.webshop_sku) for p in online(world)}
    pages = math.ceil(len(expected) / 100)
    assert pages >= 3, "the small world's catalog spans several pages"
    overlap = Overlap(expected=pages - 1)
    url = await serve_behind(overlap.middleware)
    adapter = WebshopAdapter.connect(session, url, KEY, SECRET, timeout_s=2.0)

    # when every key is listed
    keys = await adapter.product_keys()

    # then all pages arrive, each asked for once, and all pages after the first were in flight together
    assert sorted(keys) == sorted(expected)
    assert calls(sim, PRODUCTS) == pages
    assert overlap.most == pages - 1


async def test_product_keys_without_the_total_read_on_until_a_short_page(sim: WebshopSimulator, world: World,
                                                                         session: aiohttp.ClientSession,
                                                                         serve_behind: ServeBehind) -> None:
    expected = {(str(p.webshop_id), p.webshop_sku) for p in online(world)}
    adapter = WebshopAdapter.connect(session, await serve_behind(without_total_pages), KEY, SECRET, timeout_s=2.0)

    keys = await adapter.product_keys()

    assert sorted(keys) == sorted(expected)
    assert calls(sim, PRODUCTS) == len(expected) // 100 + 1


async def test_products_in_chunks_of_a_hundred_match_the_world(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                               world: World) -> None:
    given = online(world)[:250]

    found = await adapter.products([str(p.webshop_id) for p in given])

    assert calls(sim, PRODUCTS) == 3
    for product, record in zip(given, found, strict=True):
        assert record is not None
        assert record.product_id == str(product.webshop_id)
        assert record.stored_sku == product.webshop_sku
        assert record.price.system is System.WEBSHOP
        assert record.price.amount == Money.from_cents(product.webshop_price)
        assert record.price.compare_at == (Money.from_cents(product.list_price) if on_sale(world, product) else None)
        assert record.stock == product.online_stock
        assert [(i.url, i.alt_text) for i in record.images] == list(product.images)
        assert record.attributes == product.attributes
        assert record.description == product.description
    assert any(on_sale(world, p) for p in given), "some of them are on sale"


async def test_drifted_skus_come_back_exactly_as_stored(adapter: WebshopAdapter, world: World) -> None:
    drifted = [p for p in online(world) if p.webshop_sku != p.sku]

    found = await adapter.products([str(p.webshop_id) for p in drifted])

    assert [r.stored_sku if r else None for r in found] == [p.webshop_sku for p in drifted]


async def test_products_align_dedupe_and_answer_none_for_unknown(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                                 world: World) -> None:
    first, second = (str(p.webshop_id) for p in online(world)[:2])

    found = await adapter.products([second, "999999", first, second, "abc", "", "0", "0" + first])

    assert [r.product_id if r else None for r in found] == [second, None, first, second, None, None, None, None]
    assert calls(sim, PRODUCTS) == 1


async def test_ids_the_shop_cannot_hold_make_no_call(adapter: WebshopAdapter, sim: WebshopSimulator) -> None:
    assert await adapter.orders(["nope"]) == [None]
    assert await adapter.orders(["9" * 400, "9" * 25, str(2**63)]) == [None] * 3
    assert await adapter.wishlists(["-1"]) == [None]

    assert calls(sim) == 0


# ---------------------------------------------------------------- web orders

async def test_orders_of_match_the_history_newest_first(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                        world: World) -> None:
    customers = by_orders(world)[:5]

    found = await adapter.orders_of([str(c.webshop_id) for c in customers])

    assert calls(sim, ORDERS) == len(customers)
    for customer, purchases in zip(customers, found, strict=True):
        history = world.history.web_orders(customer)[::-1]
        assert [p.id for p in purchases] == [str(o.id) for o in history]
        for purchase, order in zip(purchases, history, strict=True):
            assert purchase.source is System.WEBSHOP
            assert purchase.channel == "WEB"
            assert purchase.customer_id == str(customer.webshop_id)
            assert purchase.occurred_at == order.created
            assert purchase.total == Money.from_cents(order.total)
            assert purchase.status == STATUS[order.status]
            assert purchase.store_code == order.pickup_store
            assert purchase.fulfillment is not None
            method = "PICKUP_IN_STORE" if order.pickup_store else "DELIVERY"
            assert purchase.fulfillment.method == method
            assert purchase.fulfillment.store_code == order.pickup_store
            assert [(line.quantity, line.unit_price) for line in purchase.lines] == [
                (line.quantity, Money.from_cents(line.unit_price)) for line in order.lines]


async def test_order_lines_keep_the_sku_as_the_shop_stored_it(adapter: WebshopAdapter, world: World) -> None:
    customer = by_orders(world)[0]
    order = world.history.web_orders(customer)[-1]

    [purchase] = await adapter.orders([str(order.id)])

    assert purchase is not None
    assert [line.sku for line in purchase.lines] == [
        world.products[line.product_index].webshop_sku for line in order.lines]
    assert all(line.gtin is None for line in purchase.lines)


async def test_orders_of_align_with_repeats_and_strangers(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                          world: World) -> None:
    buyer = str(by_orders(world)[0].webshop_id)
    idle = next(str(c.webshop_id) for c in shoppers(world) if not world.history.web_orders(c))

    found = await adapter.orders_of([buyer, idle, "888888", buyer, "x"])

    assert len(found[0]) == len(world.history.web_orders(by_orders(world)[0])) > 0
    assert found[1:3] == [(), ()]
    assert found[3] == found[0]
    assert found[4] == ()
    assert calls(sim, ORDERS) == 3


async def test_orders_of_follow_every_page(adapter: WebshopAdapter, sim: WebshopSimulator, world: World,
                                           session: aiohttp.ClientSession, base_url: str) -> None:
    customer = by_orders(world)[0]
    history = len(world.history.web_orders(customer))
    assert customer.webshop_id is not None
    await place_orders(session, base_url, customer.webshop_id, online(world)[0].webshop_id or 0,
                       [{}] * (101 - history))
    sim.control.reset_stats()

    [purchases] = await adapter.orders_of([str(customer.webshop_id)])

    assert len(purchases) == 101
    assert calls(sim, ORDERS) == 2
    assert [p.occurred_at for p in purchases] == sorted((p.occurred_at for p in purchases), reverse=True)


async def test_our_meta_steers_channel_and_fulfillment(adapter: WebshopAdapter, world: World, base_url: str,
                                                       session: aiohttp.ClientSession) -> None:
    customer = shoppers(world)[0]
    store = world.stores[0].code
    assert customer.webshop_id is not None
    pickup = {"shipping_lines": [{"method_id": "local_pickup", "method_title": "Local pickup", "total": "0.00"}],
              "meta_data": [{"key": "omnigate_channel", "value": "KIOSK"},
                            {"key": "omnigate_store_code", "value": store}]}
    from_store = {"shipping": {"address_1": "1 rue de la Paix", "city": "Paris", "postcode": "75002",
                               "country": "FR"},
                  "meta_data": [{"key": "omnigate_fulfillment", "value": "SHIP_FROM_STORE"},
                                {"key": "omnigate_store_code", "value": store}]}
    ids = await place_orders(session, base_url, customer.webshop_id, online(world)[0].webshop_id or 0,
                             [pickup, from_store])

    collected, shipped = await adapter.orders(ids)

    assert collected is not None and collected.fulfillment is not None
    assert (collected.channel, collected.status, collected.store_code) == ("KIOSK", "CONFIRMED", store)
    assert (collected.fulfillment.method, collected.fulfillment.store_code) == ("PICKUP_IN_STORE", store)
    assert shipped is not None and shipped.fulfillment is not None
    assert (shipped.channel, shipped.store_code) == ("WEB", None)
    assert (shipped.fulfillment.method, shipped.fulfillment.store_code) == ("SHIP_FROM_STORE", store)
    assert shipped.fulfillment.address == Address("1 rue de la Paix", "75002", "Paris", "FR")


async def test_orders_by_id_in_chunks_of_a_hundred(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                   world: World) -> None:
    orders = [o for c in by_orders(world)[:20] for o in world.history.web_orders(c)][:150]
    assert len(orders) == 150
    keys = [str(o.id) for o in orders] + ["1"]

    found = await adapter.orders(keys)

    assert calls(sim, ORDERS) == 2
    assert [p.id if p else None for p in found] == [str(o.id) for o in orders] + [None]
    assert [p.total for p in found if p] == [Money.from_cents(o.total) for o in orders]


# ---------------------------------------------------------------- wishlists

async def test_wishlists_match_the_history_oldest_first(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                        world: World) -> None:
    wishers = [c for c in shoppers(world) if world.history.wishlist(c)][:6]
    without = next(c for c in shoppers(world) if not world.history.wishlist(c))
    keys = [str(c.webshop_id) for c in [*wishers, without]]

    found = await adapter.wishlists(keys)

    assert found[-1] is None
    for customer, entries in zip(wishers, found, strict=False):
        expected = [(str(world.products[w.product_index].webshop_id), w.added)
                    for w in world.history.wishlist(customer)]
        assert entries is not None
        assert [(e.product_id, e.added_at) for e in entries] == expected
    assert calls(sim, WISHLIST_BY_USER) == len(keys)
    assert calls(sim, WISHLIST_ITEMS) == len(wishers)


async def test_long_wishlists_are_read_to_the_end(adapter: WebshopAdapter, sim: WebshopSimulator, world: World,
                                                  session: aiohttp.ClientSession, base_url: str) -> None:
    wisher = next(c for c in shoppers(world) if world.history.wishlist(c))
    [listed] = await adapter.wishlists([str(wisher.webshop_id)])
    assert listed is not None
    [wishlist] = await get(session, f"{base_url}{API_PATH}/wishlist/get_by_user/{wisher.webshop_id}")
    held = {e.product_id for e in listed}
    extra = [str(p.webshop_id) for p in online(world) if str(p.webshop_id) not in held][:150 - len(listed)]
    for product_id in extra:
        await post(session, f"{base_url}{API_PATH}/wishlist/{wishlist['share_key']}/add_product",
                   {"product_id": int(product_id)})
    sim.control.reset_stats()

    [entries] = await adapter.wishlists([str(wisher.webshop_id)])

    assert entries is not None
    assert [e.product_id for e in entries] == [e.product_id for e in listed] + extra
    assert calls(sim, WISHLIST_ITEMS) == 2


async def test_wishlists_align_with_repeats_and_strangers(adapter: WebshopAdapter, sim: WebshopSimulator,
                                                          world: World) -> None:
    wisher = next(str(c.webshop_id) for c in shoppers(world) if world.history.wishlist(c))

    found = await adapter.wishlists([wisher, "777777", wisher])

    assert found[0] is not None and found[2] == found[0]
    assert found[1] is None
    assert calls(sim, WISHLIST_BY_USER) == 2
