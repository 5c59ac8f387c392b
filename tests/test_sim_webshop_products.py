"""Web shop simulator: `/products`, `/products/{id}` and `/products/batch` against the demo world."""

from collections.abc import AsyncIterator

import pytest

from simulators.world import CATEGORIES, DemoProduct, World

from .test_sim_webshop_support import ShopClient, cents, online, running

PER_PAGE_TOO_BIG = {
    "code": "rest_invalid_param", "message": "Invalid parameter(s): per_page",
    "data": {"status": 400, "params": {"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"},
             "details": {"per_page": {"code": "rest_out_of_bounds",
                                      "message": "per_page must be between 1 (inclusive) and 100 (inclusive)",
                                      "data": None}}},
}
TOO_MANY = {"code": "woocommerce_rest_request_entity_too_large",
            "message": "Unable to accept more than 100 items for this request.", "data": {"status": 413}}
UNKNOWN_PRODUCT = {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
PRODUCT_FIELDS = {"id", "name", "type", "status", "sku", "price", "regular_price", "sale_price", "on_sale",
                  "manage_stock", "stock_quantity", "stock_status", "categories", "images", "date_modified",
                  "date_modified_gmt"}


@pytest.fixture
async def shop(world: World) -> AsyncIterator[ShopClient]:
    async with running(world) as client:
        yield client


def on_promotion(world: World) -> DemoProduct:
    return next(p for p in online(world) if any(x.starts <= world.as_of <= x.ends for x in p.promotions))


def drifted_sku(world: World) -> DemoProduct:
    return next(p for p in online(world) if p.webshop_sku != p.sku)


async def test_walking_every_page_gives_each_online_product_once(shop: ShopClient, world: World) -> None:
    # given the products the world sells online
    expected = {p.webshop_id for p in online(world)}
    # when every page is read, 100 at a time
    rows = await shop.walk("/products", per_page="100")
    # then each product comes once, none missing, none extra
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected


async def test_a_product_shows_the_shop_copy_of_the_world(shop: ShopClient, world: World) -> None:
    # given a product on promotion at the world's date
    product = on_promotion(world)
    # when it is read by id
    row = await shop.ok("GET", f"/products/{product.webshop_id}")
    # then it carries the shop's sku, price, list price, sale and stock
    assert row.keys() >= PRODUCT_FIELDS
    assert (row["id"], row["sku"], row["name"]) == (product.webshop_id, product.webshop_sku, product.name)
    assert (row["type"], row["status"], row["manage_stock"]) == ("simple", "publish", True)
    assert cents(row["price"]) == product.webshop_price
    assert cents(row["regular_price"]) == product.list_price
    assert cents(row["sale_price"]) == product.webshop_price and row["on_sale"] is True
    assert row["stock_quantity"] == product.online_stock
    assert row["stock_status"] == ("instock" if product.online_stock > 0 else "outofstock")
    category = next(c for c in CATEGORIES if c.code == product.category)
    assert [c["name"] for c in row["categories"]] == [category.name]
    assert [(i["src"], i["alt"]) for i in row["images"]] == list(product.images)


async def test_a_product_without_promotion_has_no_sale_price(shop: ShopClient, world: World) -> None:
    # given a product without a running promotion
    product = next(p for p in online(world) if not any(x.starts <= world.as_of <= x.ends for x in p.promotions))
    # when it is read
    row = await shop.ok("GET", f"/products/{product.webshop_id}")
    # then its price is its regular price and nothing is on sale
    assert row["sale_price"] == "" and row["on_sale"] is False
    assert cents(row["price"]) == cents(row["regular_price"]) == product.webshop_price


async def test_an_unknown_product_is_a_404(shop: ShopClient, world: World) -> None:
    # given an id the shop never gave
    unknown = max(p.webshop_id or 0 for p in world.products) + 1
    # when it is read
    reply = await shop.get(f"/products/{unknown}")
    # then WooCommerce's invalid id error comes back
    assert (reply.status, reply.body) == (404, UNKNOWN_PRODUCT)


async def test_sku_filter_ignores_case_but_keeps_spaces(shop: ShopClient, world: World) -> None:
    # given a product whose shop sku differs from the ERP's by case or spaces
    product = drifted_sku(world)
    stored = product.webshop_sku
    # when the shop sku is asked in another case, and the same sku padded with spaces
    same = await shop.ok("GET", "/products", sku=stored.swapcase())
    padded = await shop.ok("GET", "/products", sku=f" {stored} ")
    # then the case does not matter, the spaces do
    assert [row["id"] for row in same] == [product.webshop_id]
    assert [row["sku"] for row in same] == [stored]
    assert padded == []


async def test_a_comma_list_of_skus_finds_each(shop: ShopClient, world: World) -> None:
    # given three products
    products = online(world)[:3]
    # when their skus are asked in one call
    rows = await shop.ok("GET", "/products", sku=",".join(p.webshop_sku for p in products), per_page="100")
    # then all three come back
    assert {row["id"] for row in rows} == {p.webshop_id for p in products}


async def test_include_with_orderby_include_keeps_the_asked_order(shop: ShopClient, world: World) -> None:
    # given five ids in no particular order
    first = [p.webshop_id or 0 for p in online(world)[:5]]
    ids = [first[2], first[0], first[4], first[1], first[3]]
    # when they are read with orderby=include
    rows = await shop.ok("GET", "/products", include=",".join(map(str, ids)), orderby="include", order="asc")
    # then they come in that order
    assert [row["id"] for row in rows] == ids


async def test_search_category_and_stock_status_filter(shop: ShopClient, world: World) -> None:
    # given a category, the products of it, and a word of one product's name
    rows = await shop.walk("/products", per_page="100")
    category = rows[0]["categories"][0]
    word = rows[0]["name"].split()[1]
    # when the list is filtered by each
    in_category = await shop.walk("/products", category=str(category["id"]), per_page="100")
    found = await shop.walk("/products", search=word.lower(), per_page="100")
    out = await shop.walk("/products", stock_status="outofstock", per_page="100")
    # then only matching products come, and all of them
    assert {r["id"] for r in in_category} == {r["id"] for r in rows if category in r["categories"]}
    assert {r["id"] for r in found} == {r["id"] for r in rows if word.lower() in r["name"].lower()}
    assert {r["id"] for r in out} == {r["id"] for r in rows if r["stock_quantity"] <= 0}


async def test_paging_headers_and_links(shop: ShopClient, world: World) -> None:
    # given the number of online products
    total = len(online(world))
    # when the second page of 7 is read
    reply = await shop.call("GET", "/products", params={"per_page": "7", "page": "2"})
    # then the totals and both neighbour links are there, absolute and under /webshop
    assert reply.headers["X-WP-Total"] == str(total)
    assert reply.headers["X-WP-TotalPages"] == str(-(-total // 7))
    links = reply.links()
    assert links["prev"].startswith(shop.base + "/wp-json/wc/v3/products?") and "page=1" in links["prev"]
    assert "page=3" in links["next"] and "per_page=7" in links["next"]


async def test_past_the_last_page_is_an_empty_list(shop: ShopClient, world: World) -> None:
    # given a page number after the last one
    past = len(online(world)) // 100 + 2
    # when it is read
    reply = await shop.call("GET", "/products", params={"per_page": "100", "page": str(past)})
    # then it is 200 with no rows
    assert (reply.status, reply.body) == (200, [])


async def test_per_page_over_100_is_refused(shop: ShopClient) -> None:
    # when 500 products a page are asked
    reply = await shop.call("GET", "/products", params={"per_page": "500"})
    # then WordPress refuses the parameter
    assert (reply.status, reply.body) == (400, PER_PAGE_TOO_BIG)


async def test_fields_trims_the_rows(shop: ShopClient) -> None:
    # when only id and sku are asked
    rows = await shop.ok("GET", "/products", _fields="id,sku")
    # then rows carry those two only
    assert rows and all(set(row) == {"id", "sku"} for row in rows)


async def test_batch_update_of_stock_is_read_back(shop: ShopClient, world: World) -> None:
    # given a product and its stock
    product = online(world)[0]
    # when its stock is set to 0 in a batch
    result = await shop.ok("POST", "/products/batch", {"update": [{"id": product.webshop_id, "stock_quantity": 0}]})
    # then the batch answers the updated product and a read sees it
    assert list(result) == ["update"]
    assert result["update"][0]["stock_quantity"] == 0
    row = await shop.ok("GET", f"/products/{product.webshop_id}")
    assert (row["stock_quantity"], row["stock_status"]) == (0, "outofstock")


async def test_batch_items_fail_one_by_one(shop: ShopClient, world: World) -> None:
    # given one known and one unknown product
    known = online(world)[1]
    unknown = max(p.webshop_id or 0 for p in world.products) + 50
    # when both are updated in one batch
    result = await shop.ok("POST", "/products/batch", {"update": [
        {"id": unknown, "stock_quantity": 3}, {"id": known.webshop_id, "stock_quantity": 9}]})
    # then the unknown one fails alone and the known one is updated
    failed, done = result["update"]
    assert failed == {"id": unknown, "error": {"code": "woocommerce_rest_product_invalid_id",
                                               "message": "Invalid ID.", "data": {"status": 400}}}
    assert done["stock_quantity"] == 9


async def test_batch_create_then_delete(shop: ShopClient, world: World) -> None:
    # when a product is created, then deleted, in two batches
    created = await shop.ok("POST", "/products/batch", {"create": [
        {"name": "Sac test", "sku": "TEST-1", "regular_price": "12.90", "manage_stock": True, "stock_quantity": 4}]})
    new = created["create"][0]
    deleted = await shop.ok("POST", "/products/batch", {"delete": [new["id"]]})
    # then the product existed with its values and is gone afterwards
    assert (new["sku"], new["price"], new["stock_quantity"]) == ("TEST-1", "12.90", 4)
    assert deleted["delete"][0]["id"] == new["id"]
    assert (await shop.get(f"/products/{new['id']}")).status == 404


async def test_batch_with_a_taken_sku_leaves_the_product_alone(shop: ShopClient, world: World) -> None:
    # given two products
    first, second = online(world)[:2]
    # when the second is given the first's sku
    result = await shop.ok("POST", "/products/batch", {"update": [{"id": second.webshop_id, "sku": first.webshop_sku}]})
    # then it fails and keeps its own
    assert result["update"][0]["error"]["code"] == "product_invalid_sku"
    assert (await shop.ok("GET", f"/products/{second.webshop_id}"))["sku"] == second.webshop_sku


async def test_a_batch_over_100_items_is_refused_whole(shop: ShopClient, world: World) -> None:
    # given 60 updates and 41 deletes
    ids = [p.webshop_id for p in online(world)]
    body = {"update": [{"id": i, "stock_quantity": 1} for i in ids[:60]], "delete": ids[60:101]}
    # when they are sent in one batch
    reply = await shop.call("POST", "/products/batch", body=body)
    # then the shop refuses it and nothing changed
    assert (reply.status, reply.body) == (413, TOO_MANY)
    row = await shop.ok("GET", f"/products/{ids[0]}")
    assert row["stock_quantity"] == online(world)[0].online_stock
