"""Web shop simulator: consumer keys, what visitors are told, unknown routes and injected faults."""

import hmac
import time
from base64 import b64encode
from collections.abc import AsyncIterator
from urllib.parse import quote, urlencode

import aiohttp
import pytest

from simulators.control import Faults
from simulators.webshop.php import get_params
from simulators.world import World

from .test_sim_webshop_support import API, KEY, SECRET, ShopClient, running, shop_customers

CANNOT_LIST = {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.",
               "data": {"status": 401}}
CANNOT_VIEW = {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot view this resource.",
               "data": {"status": 401}}
CANNOT_CREATE = {"code": "woocommerce_rest_cannot_create", "message": "Sorry, you are not allowed to create resources.",
                 "data": {"status": 401}}
CANNOT_EDIT = {"code": "woocommerce_rest_cannot_edit", "message": "Sorry, you are not allowed to edit this resource.",
               "data": {"status": 401}}
CANNOT_BATCH = {"code": "woocommerce_rest_cannot_batch",
                "message": "Sorry, you are not allowed to batch manipulate this resource.", "data": {"status": 401}}
BAD_SECRET = {"code": "woocommerce_rest_authentication_error", "message": "Consumer secret is invalid.",
              "data": {"status": 401}}
REALM = ('Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the '
         'password field."')
NO_ROUTE = {"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
            "data": {"status": 404}}
WISHLIST_LOGIN = {"code": "ti_woocommerce_wishlist_rest_unauthorized", "message": "Authentication is required.",
                  "data": {"status": 401}}


@pytest.fixture
async def shop(world: World) -> AsyncIterator[ShopClient]:
    async with running(world) as client:
        yield client


def basic(key: str, secret: str) -> dict[str, str]:
    return {"Authorization": aiohttp.encode_basic_auth(key, secret)}


def oauth_signed(url: str, method: str, digest: str, nonce: str) -> dict[str, str]:
    """Query parameters signed as RFC 5849 describes (section 3.4), independently of the simulator's code."""
    params = {"oauth_consumer_key": KEY, "oauth_timestamp": str(int(time.time())), "oauth_nonce": nonce,
              "oauth_signature_method": method, "per_page": "5"}
    normalized = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(params.items()))
    base = "&".join(quote(part, safe="") for part in ("GET", url, normalized))
    signature = hmac.new(f"{SECRET}&".encode(), base.encode(), digest).digest()
    return {**params, "oauth_signature": b64encode(signature).decode()}


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("GET", "/products", CANNOT_LIST),
    ("GET", "/products/2000", CANNOT_VIEW),
    ("POST", "/products/batch", CANNOT_BATCH),
    ("GET", "/customers", CANNOT_LIST),
    ("GET", "/customers/4000", CANNOT_VIEW),
    ("GET", "/orders", CANNOT_LIST),
    ("POST", "/orders", CANNOT_CREATE),
    ("GET", "/orders/100000", CANNOT_VIEW),
    ("PUT", "/orders/100000", CANNOT_EDIT),
    ("POST", "/orders/batch", CANNOT_BATCH),
    ("GET", "/orders/100000/refunds", CANNOT_LIST),
    ("POST", "/orders/100000/refunds", CANNOT_CREATE),
    ("GET", "/wishlist/get_by_user/4000", WISHLIST_LOGIN),
])
async def test_visitors_are_refused_in_each_routes_words(shop: ShopClient, method: str, path: str,
                                                         expected: dict[str, object]) -> None:
    # when a route is called without credentials
    reply = await shop.call(method, path, body={}, auth=False)
    # then its permission check refuses the visitor
    assert (reply.status, reply.body) == (401, expected)


async def test_an_unknown_key_is_a_visitor(shop: ShopClient) -> None:
    # when a key the shop never issued is used
    reply = await shop.call("GET", "/products", headers=basic("ck_other", SECRET), auth=False)
    # then the call runs as a visitor and is refused as one
    assert (reply.status, reply.body) == (401, CANNOT_LIST)


async def test_a_wrong_secret_is_refused_with_the_basic_challenge(shop: ShopClient) -> None:
    # when the known key comes with a wrong secret, on an API route and on no route at all
    reply = await shop.call("GET", "/products", headers=basic(KEY, "cs_wrong"), auth=False)
    nowhere = await shop.call("GET", "/nothing/here", headers=basic(KEY, "cs_wrong"), auth=False)
    # then authentication fails before routing, with the WWW-Authenticate challenge
    for answer in (reply, nowhere):
        assert (answer.status, answer.body) == (401, BAD_SECRET)
        assert answer.headers["WWW-Authenticate"] == REALM


async def test_query_keys_are_checked_before_basic(shop: ShopClient) -> None:
    # when good query keys come with a bad Basic header, and a bad query secret with a good Basic header
    good_query = await shop.call("GET", "/products", params={"consumer_key": KEY, "consumer_secret": SECRET},
                                 headers=basic(KEY, "cs_wrong"), auth=False)
    bad_query = await shop.call("GET", "/products", params={"consumer_key": KEY, "consumer_secret": "cs_wrong"},
                                headers=basic(KEY, SECRET), auth=False)
    # then the query pair decides
    assert good_query.status == 200
    assert (bad_query.status, bad_query.body) == (401, BAD_SECRET)


def signed_url(url: str, query: list[tuple[str, str]], signed_pairs: list[str], nonce: str) -> str:
    """`url` with `query` and an HMAC-SHA256 signature over `signed_pairs` (given in signed form) and the OAuth ones."""
    oauth = {"oauth_consumer_key": KEY, "oauth_nonce": nonce, "oauth_signature_method": "HMAC-SHA256",
             "oauth_timestamp": str(int(time.time()))}
    pairs = [*signed_pairs, *(f"{k}%3D{v}" for k, v in sorted(oauth.items()))]
    base = f"GET&{quote(url, safe='')}&{'%26'.join(pairs)}"
    signature = b64encode(hmac.new(f"{SECRET}&".encode(), base.encode(), "sha256").digest()).decode()
    return f"{url}?{urlencode([*query, *oauth.items(), ('oauth_signature', signature)])}"


async def test_oauth_signatures_take_hmac_sha1_too_and_no_other_method(shop: ShopClient) -> None:
    # when a list is read with an HMAC-SHA1 signature, and with an HMAC-MD5 one
    url = f"{shop.base}{API}/products"
    sha1 = await shop.call("GET", url, params=oauth_signed(url, "HMAC-SHA1", "sha1", "n1"), auth=False)
    md5 = await shop.call("GET", url, params=oauth_signed(url, "HMAC-MD5", "md5", "n2"), auth=False)
    # then WooCommerce's two methods are accepted and any other is refused
    assert (sha1.status, len(sha1.body)) == (200, 5)
    assert (md5.status, md5.body) == (401, {"code": "woocommerce_rest_authentication_error",
                                            "message": "Invalid signature - signature method is invalid.",
                                            "data": {"status": 401}})


async def test_array_parameters_are_signed_in_woocommerces_nested_form(shop: ShopClient) -> None:
    # given `include[]` twice, signed as WooCommerce joins arrays (key%5B0%5D=…) and as a flat RFC 5849 list
    url = f"{shop.base}{API}/products"
    query = [("include[]", "12"), ("include[]", "15")]
    nested = signed_url(url, query, ["include%255B0%255D%3D12", "include%255B1%255D%3D15"], "n3")
    flat = signed_url(url, query, ["include%255B%255D%3D12", "include%255B%255D%3D15"], "n4")
    # when both are sent
    accepted, refused = [await shop.call("GET", u, auth=False) for u in (nested, flat)]
    # then only WooCommerce's form matches
    assert accepted.status == 200
    assert (refused.status, refused.body["message"]) == (401, "Invalid signature - provided signature does not match.")


@pytest.mark.parametrize(("query", "expected"), [
    ("a=1&a=2&b=", {"a": "2", "b": ""}),
    ("include%5B%5D=12&include[]=15", {"include": {"0": "12", "1": "15"}}),
    ("meta[key][]=x&meta[key][]=y&meta[id]=3", {"meta": {"key": {"0": "x", "1": "y"}, "id": "3"}}),
    ("per.page=5&+name+x=a+b", {"per_page": "5", "name_x": "a b"}),
])
def test_signed_parameters_are_read_as_phps_get(query: str, expected: dict[str, object]) -> None:
    assert get_params(query) == expected


async def test_shared_wishlists_are_readable_by_visitors(shop: ShopClient, world: World) -> None:
    # given a customer's list
    customer = next(c for c in shop_customers(world) if world.history.wishlist(c))
    (wishlist,) = await shop.ok("GET", f"/wishlist/get_by_user/{customer.webshop_id}")
    key = wishlist["share_key"]
    # when a visitor reads it, and tries to add to it
    read = await shop.call("GET", f"/wishlist/{key}/get_products", auth=False)
    add = await shop.call("POST", f"/wishlist/{key}/add_product", body={"product_id": 2000}, auth=False)
    # then reading by share key is public and changing it needs a login
    assert read.status == 200 and read.body
    assert (add.status, add.body) == (401, WISHLIST_LOGIN)


@pytest.mark.parametrize(("method", "path"), [("GET", "/coupons"), ("DELETE", "/products"), ("GET", "/orders/abc")])
async def test_unknown_routes_and_methods_are_rest_no_route(shop: ShopClient, method: str, path: str) -> None:
    # when a path or a method no controller registered is called
    reply = await shop.call(method, path)
    # then WordPress answers no route, never 405
    assert (reply.status, reply.body) == (404, NO_ROUTE)


async def test_an_injected_failure_looks_like_a_php_fatal(shop: ShopClient) -> None:
    # given the shop failing every request
    shop.sim.control.set_faults("webshop", Faults(error_rate=1.0))
    # when a product list is read
    reply = await shop.call("GET", "/products")
    # then WordPress's critical error answer comes back
    assert reply.status == 500
    assert reply.body["code"] == "internal_server_error"
    assert "There has been a critical error on this website." in reply.body["message"]
