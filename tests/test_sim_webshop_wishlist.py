"""Web shop simulator: the TI Wishlist plugin routes against the world's wishlists."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from simulators.world import DemoCustomer, World

from .test_sim_webshop_support import ShopClient, online, running, shop_customers

NOT_FOUND = {"code": "ti_woocommerce_wishlist_api_wishlist_not_found", "message": "No wishlists found for this user.",
             "data": {"status": 400}}
BAD_KEY = {"code": "ti_woocommerce_wishlist_api_invalid_share_key", "message": "Invalid wishlist share key.",
           "data": {"status": 400}}
ADD_FAILED = {"code": "ti_woocommerce_wishlist_api_wishlist_products_not_found",
              "message": "Add product to wishlist failed.", "data": {"status": 400}}
ITEM_NOT_FOUND = {"code": "ti_woocommerce_wishlist_api_wishlist_product_not_found", "message": "Product not found.",
                  "data": {"status": 400}}
NO_ROUTE = {"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
            "data": {"status": 404}}
REMOVED = "Product removed from a wishlist."
ITEM_FIELDS = {"item_id", "product_id", "variation_id", "meta", "date_added", "price", "in_stock"}


@pytest.fixture
async def shop(world: World) -> AsyncIterator[ShopClient]:
    async with running(world) as client:
        yield client


def wisher(world: World, least: int = 1) -> DemoCustomer:
    return next(c for c in shop_customers(world) if len(world.history.wishlist(c)) >= least)


async def share_key(shop: ShopClient, customer: DemoCustomer) -> str:
    (wishlist,) = await shop.ok("GET", f"/wishlist/get_by_user/{customer.webshop_id}")
    return str(wishlist["share_key"])


async def every_item(shop: ShopClient, key: str, count: int) -> list[dict[str, Any]]:
    """Pages of `count` until a short one: the plugin sends no totals."""
    items: list[dict[str, Any]] = []
    while True:
        page = await shop.ok("GET", f"/wishlist/{key}/get_products", count=str(count), offset=str(len(items)))
        items += page
        if len(page) < count:
            return items


async def test_a_customer_with_a_world_wishlist_has_one_list(shop: ShopClient, world: World) -> None:
    # given a customer who wishes for things in the world
    customer = wisher(world)
    # when their lists are asked, and the list read back by its share key
    lists = await shop.ok("GET", f"/wishlist/get_by_user/{customer.webshop_id}")
    by_key = await shop.ok("GET", f"/wishlist/get_by_share_key/{lists[0]['share_key']}")
    by_upper_key = await shop.ok("GET", f"/wishlist/get_by_share_key/{lists[0]['share_key'].upper()}")
    # then they own exactly one, with a six hex digit key, found again by that key in any case
    (wishlist,) = lists
    assert wishlist["user_id"] == customer.webshop_id
    assert len(wishlist["share_key"]) == 6 and int(wishlist["share_key"], 16) >= 0
    assert by_key == by_upper_key == wishlist


async def test_paging_the_items_gives_the_world_wishes_once(shop: ShopClient, world: World) -> None:
    # given a customer with at least three wishes
    customer = wisher(world, 3)
    expected = [world.products[w.product_index].webshop_id for w in world.history.wishlist(customer)]
    key = await share_key(shop, customer)
    # when the items are paged two at a time, oldest first as well
    items = await every_item(shop, key, 2)
    oldest_first = await shop.ok("GET", f"/wishlist/{key}/get_products", order="ASC", count="100")
    # then every wish comes once, newest first by default
    assert all(item.keys() >= ITEM_FIELDS for item in items)
    assert [item["product_id"] for item in items] == expected[::-1]
    assert [item["product_id"] for item in oldest_first] == expected


async def test_a_customer_without_a_list_gets_the_plugins_400(shop: ShopClient, world: World) -> None:
    # given a shop customer without wishes
    customer = next(c for c in shop_customers(world) if not world.history.wishlist(c))
    # when their lists are asked
    reply = await shop.get(f"/wishlist/get_by_user/{customer.webshop_id}")
    # then the plugin answers it found none
    assert (reply.status, reply.body) == (400, NOT_FOUND)


async def test_an_added_product_is_listed_and_not_added_twice(shop: ShopClient, world: World) -> None:
    # given a customer's list and a product not on it
    customer = wisher(world)
    key = await share_key(shop, customer)
    wished = {world.products[w.product_index].webshop_id for w in world.history.wishlist(customer)}
    product = next(p for p in online(world) if p.webshop_id not in wished)
    # when it is added twice
    first = await shop.ok("POST", f"/wishlist/{key}/add_product", {"product_id": product.webshop_id})
    second = await shop.ok("POST", f"/wishlist/{key}/add_product", {"product_id": product.webshop_id})
    # then one item holds it, and the list shows it first
    assert first[0]["item_id"] == second[0]["item_id"]
    assert first[0]["product_id"] == product.webshop_id
    items = await every_item(shop, key, 100)
    assert items[0]["item_id"] == first[0]["item_id"]
    assert [i["product_id"] for i in items].count(product.webshop_id) == 1


async def test_adding_an_unknown_product_fails(shop: ShopClient, world: World) -> None:
    # given a list and an id the shop does not know
    key = await share_key(shop, wisher(world))
    unknown = max(p.webshop_id or 0 for p in world.products) + 7
    # when it is added
    reply = await shop.call("POST", f"/wishlist/{key}/add_product", body={"product_id": unknown})
    # then the plugin says the add failed
    assert (reply.status, reply.body) == (400, ADD_FAILED)


async def test_removing_an_item_answers_a_json_string(shop: ShopClient, world: World) -> None:
    # given a list and its first item
    key = await share_key(shop, wisher(world))
    item = (await every_item(shop, key, 100))[0]
    # when the item is removed, then removed again
    removed = await shop.call("DELETE", f"/wishlist/{key}/remove_product/{item['item_id']}")
    again = await shop.call("DELETE", f"/wishlist/{key}/remove_product/{item['item_id']}")
    # then the first answers the plugin's sentence, the second that it is gone
    assert (removed.status, removed.body) == (200, REMOVED)
    assert (again.status, again.body) == (400, ITEM_NOT_FOUND)
    assert item["item_id"] not in {i["item_id"] for i in await every_item(shop, key, 100)}


async def test_a_list_is_made_by_get_by_user_0_and_given_away_by_update(shop: ShopClient, world: World) -> None:
    # given a customer without a list
    customer = next(c for c in shop_customers(world) if not world.history.wishlist(c))
    # when the caller's own list is asked for, then given to the customer with a title
    (made,) = await shop.ok("GET", "/wishlist/get_by_user/0")
    given = await shop.ok("POST", f"/wishlist/update/{made['share_key']}",
                          {"user_id": customer.webshop_id, "title": "Noël"})
    # then the customer now has that list under its title
    assert (given["id"], given["user_id"], given["title"]) == (made["id"], customer.webshop_id, "Noël")
    assert await shop.ok("GET", f"/wishlist/get_by_user/{customer.webshop_id}") == [given]


async def test_an_unknown_key_is_the_plugins_400_and_a_malformed_one_no_route(shop: ShopClient) -> None:
    # given a well-formed key of no list, and a key that is not hex
    # when both are read
    unknown = await shop.get("/wishlist/get_by_share_key/000000")
    malformed = await shop.get("/wishlist/get_by_share_key/zzzzzz")
    # then the plugin refuses the first, WordPress finds no route for the second
    assert (unknown.status, unknown.body) == (400, BAD_KEY)
    assert (malformed.status, malformed.body) == (404, NO_ROUTE)
