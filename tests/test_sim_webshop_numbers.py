"""Web shop simulator: ids and counts read as PHP reads them, so no number a client sends can crash the shop.

A value `is_numeric` refuses is a 400 `rest_invalid_param`; a numeric one past PHP's 64-bit ints
saturates, and one past a double is INF, cast to 0: either way no such record, as on a real shop.
"""

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from simulators.webshop.php import PHP_INT_MAX, absint, is_integer, php_int
from simulators.world import World

from .test_sim_webshop_support import ShopClient, online, running, with_orders

FOUR_HUNDRED_NINES = "9" * 400
TWENTY_FIVE_NINES = "9" * 25
UNKNOWN_ORDER = {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
NO_ROUTE = {"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
            "data": {"status": 404}}


def not_an_integer(name: str, message: str) -> dict[str, object]:
    return {"code": "rest_invalid_param", "message": f"Invalid parameter(s): {name}",
            "data": {"status": 400, "params": {name: message},
                     "details": {name: {"code": "rest_invalid_type", "message": message, "data": None}}}}


@pytest.fixture
async def shop(world: World) -> AsyncIterator[ShopClient]:
    async with running(world) as client:
        yield client


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), (" 12 ", 12), ("+12", 12), ("-12", -12), ("12.9", 12), ("1e3", 1000), ("12abc", 12),
    ("abc", 0), ("", 0), ("inf", 0), ("nan", 0), ("١٢", 0), ("²", 0),
    (TWENTY_FIVE_NINES, PHP_INT_MAX), ("-" + TWENTY_FIVE_NINES, -PHP_INT_MAX - 1),
    (FOUR_HUNDRED_NINES, 0), ("1e400", 0), ("9" * 5000, 0),
])
def test_php_int_reads_a_string_as_php_does(text: str, expected: int) -> None:
    assert php_int(text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (7, 7), (True, 1), (2.9, 2), (float("inf"), 0), (float("nan"), 0), (10**30, PHP_INT_MAX), (None, 0), ([], 0),
])
def test_php_int_of_json_values(value: object, expected: int) -> None:
    assert php_int(value) == expected


def test_absint_is_the_absolute_value() -> None:
    assert (absint("-12"), absint(-3.5), absint("x")) == (12, 3, 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("12", True), ("1.0", True), ("1e3", True), (FOUR_HUNDRED_NINES, True), ("1e400", True),
    ("1.5", False), ("abc", False), ("", False), ("inf", False), ("nan", False), ("0x1A", False),
    ("١٢", False), ("²", False), ("1_000", False),
])
def test_rest_is_integer(text: str, expected: bool) -> None:
    assert is_integer(text) is expected


async def test_an_id_past_phps_ints_finds_no_order_and_does_not_crash(shop: ShopClient) -> None:
    # when orders are asked for by ids past PHP's ints and past a double
    for huge in (FOUR_HUNDRED_NINES, TWENTY_FIVE_NINES, "9" * 5000):
        include = await shop.call("GET", "/orders", params={"include": huge})
        one = await shop.call("GET", f"/orders/{huge}")
        # then none is found, as on a real shop (PHP reads them as 0 and PHP_INT_MAX)
        assert (include.status, include.body) == (200, [])
        assert (one.status, one.body) == (404, UNKNOWN_ORDER)


async def test_a_huge_id_in_a_list_leaves_the_others_found(shop: ShopClient, world: World) -> None:
    order = world.history.web_orders(with_orders(world))[0]
    # when a known id is asked with a huge one
    reply = await shop.call("GET", "/orders", params={"include": f"{order.id},{FOUR_HUNDRED_NINES}"})
    # then the known order alone comes back
    assert reply.status == 200
    assert [row["id"] for row in reply.body] == [order.id]


@pytest.mark.parametrize("value", ["abc", "inf", "nan", "1.5", "0x10", "", "1_000"])
async def test_an_id_that_is_not_numeric_is_an_invalid_parameter(shop: ShopClient, value: str) -> None:
    # when an include list holds something PHP does not call an integer
    reply = await shop.call("GET", "/orders", params={"include[]": value})
    # then WordPress refuses the parameter, naming the item
    assert (reply.status, reply.body) == (400, not_an_integer("include", "include[0] is not of type integer."))


@pytest.mark.parametrize("name", ["page", "per_page", "offset", "customer"])
async def test_a_count_that_is_not_numeric_is_an_invalid_parameter(shop: ShopClient, name: str) -> None:
    reply = await shop.call("GET", "/orders", params={name: "nan"})
    assert (reply.status, reply.body) == (400, not_an_integer(name, f"{name} is not of type integer."))


async def test_a_huge_per_page_is_out_of_bounds(shop: ShopClient) -> None:
    reply = await shop.call("GET", "/products", params={"per_page": FOUR_HUNDRED_NINES})
    assert reply.status == 400
    assert reply.body["data"]["details"]["per_page"]["code"] == "rest_out_of_bounds"


@pytest.mark.parametrize(("name", "huge", "same_as"), [
    ("page", FOUR_HUNDRED_NINES, "1"), ("page", TWENTY_FIVE_NINES, None),
    ("offset", FOUR_HUNDRED_NINES, "0"), ("offset", TWENTY_FIVE_NINES, None),
    ("customer", FOUR_HUNDRED_NINES, "0"), ("customer", TWENTY_FIVE_NINES, None),
])
async def test_a_huge_count_is_read_as_php_reads_it(shop: ShopClient, name: str, huge: str,
                                                    same_as: str | None) -> None:
    # when a page, offset or customer past PHP's ints is asked
    reply = await shop.call("GET", "/orders", params={name: huge, "per_page": "3"})
    # then it is the list of 0 (past a double: INF, cast to 0) or of PHP_INT_MAX (nothing)
    expected = [] if same_as is None else await shop.ok("GET", "/orders", **{name: same_as, "per_page": "3"})
    assert (reply.status, reply.body) == (200, expected)


async def test_a_path_id_in_other_digits_is_no_route(shop: ShopClient) -> None:
    """WordPress matches `[\\d]+` without the Unicode flag: only ASCII digits make an id."""
    reply = await shop.call("GET", "/orders/١٢٣")
    assert (reply.status, reply.body) == (404, NO_ROUTE)


async def test_a_category_that_is_no_id_matches_nothing(shop: ShopClient) -> None:
    for category in ("²", FOUR_HUNDRED_NINES, "abc"):
        reply = await shop.call("GET", "/products", params={"category": category})
        assert (reply.status, reply.body) == (200, [])


async def test_a_huge_quantity_or_price_in_a_write_is_coerced_not_crashed(shop: ShopClient, world: World) -> None:
    product = online(world)[3]
    # when an order line asks for a quantity past PHP's ints and a product gets a price no double holds
    order = await shop.ok("POST", "/orders", {"customer_id": 0, "line_items": [
        {"product_id": product.webshop_id, "quantity": int(FOUR_HUNDRED_NINES)}]})
    batch = await shop.ok("POST", "/products/batch", {"update": [
        {"id": product.webshop_id, "regular_price": str(Decimal("1e400"))}]})
    # then the quantity is PHP's (INF cast to 0) and the price is dropped as junk
    assert order["line_items"][0]["quantity"] == 0
    assert batch["update"][0]["regular_price"] == ""


async def test_wishlist_counts_past_phps_ints_list_nothing(shop: ShopClient, world: World) -> None:
    lists = await shop.ok("GET", "/wishlist/get_by_user/0")
    key = lists[0]["share_key"]
    reply = await shop.call("GET", f"/wishlist/{key}/get_products",
                            params={"count": FOUR_HUNDRED_NINES, "offset": TWENTY_FIVE_NINES})
    assert (reply.status, reply.body) == (200, [])
