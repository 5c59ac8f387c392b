"""The web shop simulator driven by `woocommerce`, WooCommerce's official Python client, with its ordinary calls.

Over plain HTTP the client signs every call with OAuth 1.0a in the query string, as real WooCommerce requires
there; over HTTPS it sends Basic (or, asked to, query-string keys). Calls mirror the adapter's reads
(`connectors/webshop`): products by `include` and all product keys page by page, a customer's orders, a
customer; plus an order created and completed, to sign a POST and a PUT.
"""

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from aiohttp import web
from woocommerce import API
from woocommerce.oauth import OAuth

from simulators.webshop.simulator import WebshopSimulator
from simulators.world import World
from tests.sdk_support import serving
from tests.test_sim_webshop_support import KEY, SECRET, online, shop_customers, with_orders

VERSION = "wc/v3"
TIMEOUT = 10
FLAT_RATE = {"method_id": "flat_rate", "method_title": "Flat rate", "total": "4.90"}


def refusal(message: str) -> dict[str, Any]:
    return {"code": "woocommerce_rest_authentication_error", "message": message, "data": {"status": 401}}


def wcapi(site: str, key: str = KEY, secret: str = SECRET, **options: Any) -> API:
    return API(url=site, consumer_key=key, consumer_secret=secret, version=VERSION, timeout=TIMEOUT, **options)


def mounted(sim: WebshopSimulator) -> web.Application:
    """The shop under its `/webshop` site path, as the shared host serves it."""
    root = web.Application()
    root.add_subapp(sim.prefix, sim.app())
    return root


@pytest.fixture
def site(world: World) -> Iterator[str]:
    sim = WebshopSimulator(world)
    with serving(mounted(sim)) as served:
        yield served.url + sim.prefix


def test_products_by_include_signed_with_oauth_over_http(world: World, site: str) -> None:
    # given three products sold online
    products = online(world)[:3]
    # when they are read by id with the client's defaults over plain HTTP
    reply = wcapi(site).get("products", params={"include": ",".join(str(p.webshop_id) for p in products),
                                                "per_page": 100})
    # then the OAuth-signed call answers them, with the list headers
    assert reply.status_code == 200, reply.text
    assert "oauth_signature=" in reply.request.url and "Authorization" not in reply.request.headers
    assert sorted((row["id"], row["sku"]) for row in reply.json()) == sorted((p.webshop_id, p.sku) for p in products)
    assert (reply.headers["X-WP-Total"], reply.headers["X-WP-TotalPages"]) == ("3", "1")


def test_every_product_key_page_by_page(world: World, site: str) -> None:
    # given the client and the adapter's listing of product keys
    shop = wcapi(site)
    params = {"status": "any", "_fields": "id,sku", "orderby": "id", "order": "asc", "per_page": 100}
    # when the first page says how many there are and the others are read
    first = shop.get("products", params={**params, "page": 1})
    total_pages = int(first.headers["X-WP-TotalPages"])
    last = shop.get("products", params={**params, "page": total_pages})
    middle = [shop.get("products", params={**params, "page": n}) for n in range(2, total_pages)]
    # then every product comes once, trimmed to its id and sku, and the links point on and back
    rows = [row for page in (first, *middle, last) for row in page.json()]
    assert [row["id"] for row in rows] == sorted(p.webshop_id or 0 for p in online(world))
    assert int(first.headers["X-WP-Total"]) == len(rows) and all(row.keys() == {"id", "sku"} for row in rows)
    assert (set(first.links), set(last.links)) == ({"next"}, {"prev"})
    assert dict(parse_qsl(urlsplit(first.links["next"]["url"]).query))["page"] == "2"


def test_a_customers_orders_page_by_page(world: World, site: str) -> None:
    # given a customer with several web orders
    customer = with_orders(world, 3)
    shop = wcapi(site)
    # when their orders are listed two a page, newest first
    params = {"customer": customer.webshop_id, "per_page": 2, "orderby": "date", "order": "desc"}
    first = shop.get("orders", params={**params, "page": 1})
    pages = [first] + [shop.get("orders", params={**params, "page": n})
                       for n in range(2, int(first.headers["X-WP-TotalPages"]) + 1)]
    # then they are the world's web orders
    assert all(page.status_code == 200 for page in pages)
    expected = [o.id for o in reversed(world.history.web_orders(customer))]
    assert [row["id"] for page in pages for row in page.json()] == expected


def test_a_customer_by_id(world: World, site: str) -> None:
    customer = shop_customers(world)[0]

    reply = wcapi(site).get(f"customers/{customer.webshop_id}")

    assert reply.status_code == 200
    body = reply.json()
    assert (body["id"], body["email"], body["billing"]["city"]) == (customer.webshop_id, customer.email,
                                                                   customer.city)


def test_an_order_created_then_completed_with_signed_post_and_put(world: World, site: str) -> None:
    # given a customer and a product
    shop = wcapi(site)
    customer, product = shop_customers(world)[0], online(world)[5]
    body = {"customer_id": customer.webshop_id, "line_items": [{"product_id": product.webshop_id, "quantity": 1}],
            "shipping_lines": [FLAT_RATE], "meta_data": [{"key": "omnigate_idempotency_key", "value": "sdk-1"}]}
    # when an order is posted, then completed
    created = shop.post("orders", body)
    completed = shop.put(f"orders/{created.json()['id']}", {"status": "completed"})
    # then both signed writes are accepted and a read sees the new status
    assert (created.status_code, created.json()["status"]) == (201, "pending")
    assert (completed.status_code, completed.json()["status"]) == (200, "completed")
    assert shop.get(f"orders/{created.json()['id']}").json()["status"] == "completed"


def test_a_wrong_secret_or_unknown_key_is_refused_as_woocommerce_refuses_it(site: str) -> None:
    wrong_secret = wcapi(site, secret="cs_wrong").get("products")
    unknown_key = wcapi(site, key="ck_other").get("products")

    assert (wrong_secret.status_code, wrong_secret.json()) == (
        401, refusal("Invalid signature - provided signature does not match."))
    assert (unknown_key.status_code, unknown_key.json()) == (401, refusal("Consumer key is invalid."))
    assert "WWW-Authenticate" not in wrong_secret.headers


def test_a_replayed_stale_or_partial_signature_is_refused(site: str) -> None:
    # given a signed call that was answered, one signed an hour ago, and one without its nonce
    answered = wcapi(site).get("products")
    url = f"{site}/wp-json/{VERSION}/products"
    stale = OAuth(url, KEY, SECRET, version=VERSION, method="GET", oauth_timestamp=int(time.time()) - 3600)
    signed = dict(parse_qsl(urlsplit(OAuth(url, KEY, SECRET, version=VERSION, method="GET").get_oauth_url()).query))
    without_nonce = f"{url}?{urlencode({k: v for k, v in signed.items() if k != 'oauth_nonce'})}"
    # when each is sent
    replies = [requests.get(u, timeout=TIMEOUT) for u in (answered.request.url, stale.get_oauth_url(), without_nonce)]
    # then WooCommerce's checks refuse them in its words
    assert answered.status_code == 200
    assert [(r.status_code, r.json()) for r in replies] == [
        (401, refusal("Invalid nonce - nonce has already been used.")),
        (401, refusal("Invalid timestamp.")),
        (401, {"code": "woocommerce_rest_authentication_missing_parameter",
               "message": "Missing OAuth parameter oauth_nonce", "data": {"status": 401}})]


def test_over_https_basic_and_query_string_keys(world: World) -> None:
    # given the shop served over HTTPS
    sim = WebshopSimulator(world)
    with serving(mounted(sim), tls=True) as served:
        site = served.url + sim.prefix
        # when the client calls with its HTTPS defaults, and with query-string keys
        basic = wcapi(site, verify_ssl=served.ca_file).get("products")
        query = wcapi(site, verify_ssl=served.ca_file, query_string_auth=True).get("products")
    # then both are accepted
    assert (basic.status_code, query.status_code) == (200, 200)
    assert basic.request.headers["Authorization"].startswith("Basic ")
    assert f"consumer_key={KEY}" in str(query.request.url)
