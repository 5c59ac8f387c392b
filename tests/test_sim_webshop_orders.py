"""Web shop simulator: `/orders`, `/orders/{id}` and `/orders/batch` against the demo world."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from simulators.world import World

from .test_sim_webshop_support import ShopClient, cents, online, running, shop_customers, with_orders

SHOP_TZ = ZoneInfo("Europe/Paris")
UNKNOWN_ORDER = {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
UNKNOWN_ORDER_ON_UPDATE = {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.",
                           "data": {"status": 400}}
NO_PRODUCT_REFERENCE = {"code": "woocommerce_rest_required_product_reference",
                        "message": "Product ID or SKU is required.", "data": {"status": 400}}
NO_SHIPPING_METHOD = {"code": "woocommerce_rest_invalid_shipping_item", "message": "Shipping method ID is required.",
                      "data": {"status": 400}}
BAD_CUSTOMER = {"code": "woocommerce_rest_invalid_customer_id", "message": "Customer ID is invalid.",
                "data": {"status": 400}}
TOO_MANY = {"code": "woocommerce_rest_request_entity_too_large",
            "message": "Unable to accept more than 100 items for this request.", "data": {"status": 413}}
FLAT_RATE = {"method_id": "flat_rate", "method_title": "Flat rate", "total": "4.90"}
ORDER_FIELDS = {"id", "number", "status", "currency", "date_created", "date_created_gmt", "total", "customer_id",
                "billing", "shipping", "line_items", "shipping_lines", "refunds", "meta_data"}
LINE_FIELDS = {"id", "product_id", "variation_id", "sku", "name", "quantity", "price", "total"}


@pytest.fixture
async def shop(world: World) -> AsyncIterator[ShopClient]:
    async with running(world) as client:
        yield client


def shop_time(at: datetime) -> str:
    return at.astimezone(SHOP_TZ).strftime("%Y-%m-%dT%H:%M:%S")


def order_body(world: World, customer_id: int, key: str, **extra: Any) -> dict[str, Any]:
    product = online(world)[5]
    return {"customer_id": customer_id, "line_items": [{"product_id": product.webshop_id, "quantity": 2}],
            "shipping_lines": [FLAT_RATE], "meta_data": [{"key": "omnigate_idempotency_key", "value": key}], **extra}


async def test_a_customers_orders_are_the_world_web_orders(shop: ShopClient, world: World) -> None:
    # given a customer with several web orders
    customer = with_orders(world, 3)
    expected = world.history.web_orders(customer)
    # when the customer's orders are listed
    rows = await shop.walk("/orders", customer=str(customer.webshop_id), per_page="2")
    # then they are the world's, newest first, with their totals, statuses and lines
    assert [row["id"] for row in rows] == [o.id for o in reversed(expected)]
    for row, order in zip(rows, reversed(expected), strict=True):
        assert row.keys() >= ORDER_FIELDS
        assert (row["number"], row["status"], row["currency"]) == (str(order.id), order.status, "EUR")
        assert (cents(row["total"]), row["customer_id"]) == (order.total, customer.webshop_id)
        assert all(line.keys() >= LINE_FIELDS for line in row["line_items"])
        assert [(line["product_id"], line["quantity"], cents(line["total"])) for line in row["line_items"]] == [
            (world.products[x.product_index].webshop_id, x.quantity, x.quantity * x.unit_price) for x in order.lines]
        assert row["date_created_gmt"] == order.created.strftime("%Y-%m-%dT%H:%M:%S")


async def test_click_and_collect_orders_carry_the_pickup_store(shop: ShopClient, world: World) -> None:
    # given a world order collected in a store
    order = next(o for c in shop_customers(world) for o in world.history.web_orders(c) if o.pickup_store)
    store = world.store_by_code[order.pickup_store or ""]
    # when it is read by id
    row = await shop.ok("GET", f"/orders/{order.id}")
    # then its shipping line is the blocks pickup with the store's name, address and code
    (line,) = row["shipping_lines"]
    meta = {m["key"]: m["value"] for m in line["meta_data"]}
    assert line["method_id"] == "pickup_location"
    assert meta["pickup_location"] == store.name and store.city in meta["pickup_address"]
    assert meta["omnigate_store_code"] == store.code


async def test_home_delivery_orders_use_the_flat_rate(shop: ShopClient, world: World) -> None:
    # given a world order delivered home
    order = next(o for c in shop_customers(world) for o in world.history.web_orders(c) if not o.pickup_store)
    # when it is read
    row = await shop.ok("GET", f"/orders/{order.id}")
    # then it ships by flat rate at the world's fee
    assert [(s["method_id"], cents(s["total"])) for s in row["shipping_lines"]] == [("flat_rate", order.shipping)]


async def test_any_history_order_is_found_by_id_alone(shop: ShopClient, world: World) -> None:
    # given the last order of a customer nobody asked about yet
    customer = [c for c in shop_customers(world) if world.history.web_orders(c)][-1]
    order = world.history.web_orders(customer)[-1]
    # when it is read by id
    row = await shop.ok("GET", f"/orders/{order.id}")
    # then it is that customer's order
    assert (row["id"], row["customer_id"]) == (order.id, customer.webshop_id)


async def test_an_unknown_order_is_a_404(shop: ShopClient, world: World) -> None:
    # given an id in a customer's block past their last order
    customer = with_orders(world)
    unknown = world.history.web_orders(customer)[-1].id + 1
    # when it is read
    reply = await shop.get(f"/orders/{unknown}")
    # then the shop answers its invalid id error
    assert (reply.status, reply.body) == (404, UNKNOWN_ORDER)


async def test_status_after_and_before_filter(shop: ShopClient, world: World) -> None:
    # given a customer's orders and a moment between two of them
    customer = with_orders(world, 4)
    orders = world.history.web_orders(customer)
    cut = orders[1].created
    # when the list is filtered by status, then by creation date
    wanted = {orders[0].status, orders[-1].status}
    mine = {"customer": str(customer.webshop_id), "per_page": "100"}
    by_status = await shop.ok("GET", "/orders", status=",".join(wanted), **mine)
    after = await shop.ok("GET", "/orders", after=shop_time(cut), **mine)
    before = await shop.ok("GET", "/orders", before=shop_time(cut), **mine)
    # then only matching orders come (dates are exclusive bounds)
    assert {r["id"] for r in by_status} == {o.id for o in orders if o.status in wanted}
    assert {r["id"] for r in after} == {o.id for o in orders if o.created > cut}
    assert {r["id"] for r in before} == {o.id for o in orders if o.created < cut}


async def test_walking_all_orders_gives_each_once(shop: ShopClient, world: World) -> None:
    # given every web order of the world
    expected = {o.id for c in shop_customers(world) for o in world.history.web_orders(c)}
    # when every page of the unfiltered list is read
    rows = await shop.walk("/orders", per_page="100")
    # then each comes once
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) and set(ids) == expected


async def test_a_created_order_is_201_with_its_location_and_read_back(shop: ShopClient, world: World) -> None:
    # given a customer and a product
    customer = shop_customers(world)[0]
    product = online(world)[5]
    # when an order is posted
    reply = await shop.call("POST", "/orders", body=order_body(world, customer.webshop_id or 0, "k-1"))
    # then it is created pending, priced from the shop, and a read by its Location sees it
    assert reply.status == 201, reply.body
    created = reply.body
    assert reply.headers["Location"] == f"{shop.base}/wp-json/wc/v3/orders/{created['id']}"
    assert (created["status"], created["customer_id"]) == ("pending", customer.webshop_id)
    assert cents(created["total"]) == 2 * product.webshop_price + 490
    assert created["meta_data"][0]["key"] == "omnigate_idempotency_key"
    assert (await shop.ok("GET", reply.headers["Location"]))["id"] == created["id"]


async def test_lines_by_sku_and_unknown_products(shop: ShopClient, world: World) -> None:
    # given a product's shop sku in another case, and an id the shop does not know
    product = online(world)[8]
    unknown = max(p.webshop_id or 0 for p in world.products) + 99
    body = {"line_items": [{"sku": product.webshop_sku.lower(), "quantity": 1},
                           {"product_id": unknown, "quantity": 1}]}
    # when they are ordered
    created = await shop.ok("POST", "/orders", body)
    # then the sku finds the product and the unknown id is kept as a line without product
    known, orphan = created["line_items"]
    assert (known["product_id"], known["sku"]) == (product.webshop_id, product.webshop_sku)
    assert (orphan["product_id"], orphan["total"]) == (0, "0.00")


@pytest.mark.parametrize(("body", "expected"), [
    ({"line_items": [{"quantity": 1}]}, NO_PRODUCT_REFERENCE),
    ({"shipping_lines": [{"method_title": "Flat rate", "total": "4.90"}]}, NO_SHIPPING_METHOD),
    ({"customer_id": 999_999_999}, BAD_CUSTOMER),
])
async def test_invalid_orders_are_refused_and_not_stored(shop: ShopClient, body: dict[str, Any],
                                                        expected: dict[str, Any]) -> None:
    # given the guest orders before
    before = await shop.ok("GET", "/orders", customer="0")
    # when an invalid order is posted
    reply = await shop.call("POST", "/orders", body=body)
    # then it is refused with WooCommerce's error and nothing was created
    assert (reply.status, reply.body) == (400, expected)
    assert await shop.ok("GET", "/orders", customer="0") == before


async def test_an_unknown_status_is_a_parameter_error(shop: ShopClient) -> None:
    # when an order is posted with a status WooCommerce does not have
    reply = await shop.call("POST", "/orders", body={"status": "shipped"})
    # then the schema check refuses it
    assert reply.status == 400
    assert reply.body["code"] == "rest_invalid_param" and list(reply.body["data"]["params"]) == ["status"]


async def test_set_paid_moves_to_processing_and_takes_stock(shop: ShopClient, world: World) -> None:
    # given a product's stock
    product = online(world)[5]
    # when a paid order of 2 is posted, then cancelled
    created = await shop.ok("POST", "/orders", order_body(world, 0, "k-2", set_paid=True))
    taken = await shop.ok("GET", f"/products/{product.webshop_id}")
    await shop.ok("PUT", f"/orders/{created['id']}", {"status": "cancelled"})
    returned = await shop.ok("GET", f"/products/{product.webshop_id}")
    # then it is processing and paid, 2 left the stock and came back on cancelling
    assert created["status"] == "processing" and created["date_paid"] is not None
    assert taken["stock_quantity"] == product.online_stock - 2
    assert returned["stock_quantity"] == product.online_stock


async def test_posting_twice_makes_two_orders_the_guard_can_find(shop: ShopClient, world: World) -> None:
    # given a customer and the moment before sending
    customer = shop_customers(world)[1]
    t0 = datetime.now(UTC) - timedelta(seconds=1)
    # when the same order is posted twice
    first = await shop.ok("POST", "/orders", order_body(world, customer.webshop_id or 0, "k-3"))
    second = await shop.ok("POST", "/orders", order_body(world, customer.webshop_id or 0, "k-3"))
    found = await shop.ok("GET", "/orders", customer=str(customer.webshop_id), after=shop_time(t0))
    # then there are two orders, both found by the customer-and-date search with the key
    assert first["id"] != second["id"]
    assert {r["id"] for r in found} == {first["id"], second["id"]}
    assert all(m["value"] == "k-3" for r in found for m in r["meta_data"] if m["key"] == "omnigate_idempotency_key")


async def test_status_changes_by_put_and_patch(shop: ShopClient, world: World) -> None:
    # given a history order still processing
    order = next(o for c in shop_customers(world) for o in world.history.web_orders(c) if o.status == "processing")
    # when it is completed with PUT, then put on hold with PATCH
    done = await shop.ok("PUT", f"/orders/{order.id}", {"status": "completed"})
    held = await shop.ok("PATCH", f"/orders/{order.id}", {"status": "on-hold"})
    # then each change is answered and read back
    assert done["status"] == "completed" and done["date_completed"] is not None
    assert held["status"] == "on-hold"
    assert (await shop.ok("GET", f"/orders/{order.id}"))["status"] == "on-hold"


async def test_updating_an_unknown_order_is_a_400(shop: ShopClient) -> None:
    # when an order that does not exist is updated
    reply = await shop.call("PUT", "/orders/99", body={"status": "completed"})
    # then WooCommerce answers invalid id with a 400
    assert (reply.status, reply.body) == (400, UNKNOWN_ORDER_ON_UPDATE)


async def test_guest_orders_are_listed_as_customer_0(shop: ShopClient, world: World) -> None:
    # when a guest order is posted
    created = await shop.ok("POST", "/orders", order_body(world, 0, "k-4"))
    # then customer=0 lists it, and it alone
    assert [r["id"] for r in await shop.ok("GET", "/orders", customer="0")] == [created["id"]]


async def test_batch_creates_updates_and_fails_items_alone(shop: ShopClient, world: World) -> None:
    # given a history order
    order = world.history.web_orders(with_orders(world))[0]
    # when a batch creates one order and updates a known and an unknown one
    result = await shop.ok("POST", "/orders/batch", {
        "create": [order_body(world, 0, "k-5")],
        "update": [{"id": order.id, "status": "cancelled"}, {"id": 98, "status": "cancelled"}]})
    # then the good items happen and the bad one fails in place
    assert result["create"][0]["status"] == "pending"
    assert result["update"][0]["status"] == "cancelled"
    assert result["update"][1] == {"id": 98, "error": {"code": "woocommerce_rest_shop_order_invalid_id",
                                                       "message": "Invalid ID.", "data": {"status": 400}}}
    assert (await shop.ok("GET", f"/orders/{order.id}"))["status"] == "cancelled"


async def test_an_order_batch_over_100_is_refused(shop: ShopClient) -> None:
    # when 101 updates are sent at once
    reply = await shop.call("POST", "/orders/batch", body={"update": [{"id": n} for n in range(101)]})
    # then the batch is refused whole
    assert (reply.status, reply.body) == (413, TOO_MANY)
