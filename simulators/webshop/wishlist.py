"""The TI WooCommerce Wishlist routes (plugin 2.12, namespace wc/v3), errors worded as the plugin words them.

Reading a list by its share key is public; listing a user's lists and changing a list need a
logged-in caller (the key's administrator may touch every list).
"""

import re
from typing import Any

from aiohttp import web

from .auth import API_USER_ID
from .php import absint, php_int
from .wishlist_book import WishItem, Wishlist, Wishlists
from .wp import SHOP_TZ, Json, WpError, json_response, money, request_params, wall_clock

PREFIX = "ti_woocommerce_wishlist_api_"
DEFAULT_COUNT = 10


class WishlistApi:
    def __init__(self, wishlists: Wishlists) -> None:
        self.wishlists = wishlists

    async def by_share_key(self, request: web.Request) -> web.Response:
        return json_response(_list_json(self._wishlist(request)))

    async def by_user(self, request: web.Request) -> web.Response:
        user_id = php_int(request.match_info["user_id"])
        if user_id == 0:
            return json_response([_list_json(self.wishlists.default_of(API_USER_ID, wall_clock()))])
        found = self.wishlists.of_user(user_id)
        if not found:
            raise _error("wishlist_not_found", "No wishlists found for this user.")
        return json_response([_list_json(w) for w in found])

    async def products(self, request: web.Request) -> web.Response:
        wishlist = self._wishlist(request)
        count = _absint(request.query.get("count"), DEFAULT_COUNT)
        offset = _absint(request.query.get("offset"), 0)
        ascending = request.query.get("order", "").upper() == "ASC"
        ordered = sorted(wishlist.items, key=lambda i: (i.added, i.id), reverse=not ascending)
        return json_response([_item_json(i) for i in ordered[offset:offset + count]])

    async def add_product(self, request: web.Request) -> web.Response:
        wishlist = self._wishlist(request)
        posted = await request_params(request)
        meta = posted.get("meta") if isinstance(posted.get("meta"), dict) else {}
        added = self.wishlists.add(wishlist, _absint(posted.get("product_id"), 0),
                                   _absint(posted.get("variation_id"), 0), meta or {}, wall_clock())
        if added is None:
            raise _error("wishlist_products_not_found", "Add product to wishlist failed.")
        return json_response([_item_json(added)])

    async def remove_product(self, request: web.Request) -> web.Response:
        wishlist = self._wishlist(request)
        item_id = php_int(request.match_info["item_id"])
        if not item_id:
            raise _error("invalid_item_id", "Invalid item ID.")
        found = next((i for i in wishlist.items if i.id == item_id), None)
        if found is None:
            raise _error("wishlist_product_not_found", "Product not found.")
        wishlist.items.remove(found)
        return json_response("Product removed from a wishlist.")

    async def update(self, request: web.Request) -> web.Response:
        wishlist = self._wishlist(request)
        posted = await request_params(request)
        title = posted.get("title")
        user_id = posted.get("user_id")
        if title is None and user_id is None:
            raise _error("wishlist_update_error", "Update wishlist data failed.")
        if title is not None:
            wishlist.title = _sanitize_text(str(title))
        if user_id is not None:
            wishlist.author = _absint(user_id, 0)
        return json_response(_list_json(wishlist))

    def guard_modify(self, request: web.Request) -> web.Response | None:
        """`permission_modify_wishlist` for a visitor: bad key first, then guest lists, then 401."""
        try:
            wishlist = self._wishlist(request)
        except WpError as error:
            return error.response()
        if not wishlist.author:
            return WpError("ti_woocommerce_wishlist_rest_forbidden", "You are not allowed to modify this wishlist.",
                           403).response()
        return unauthorized(request)

    def _wishlist(self, request: web.Request) -> Wishlist:
        found = self.wishlists.by_key(request.match_info["share_key"])
        if found is None:
            raise _error("invalid_share_key", "Invalid wishlist share key.")
        return found


def unauthorized(_: web.Request) -> web.Response:
    return WpError("ti_woocommerce_wishlist_rest_unauthorized", "Authentication is required.", 401).response()


def _list_json(wishlist: Wishlist) -> Json:
    return {"id": wishlist.id, "user_id": wishlist.author, "date_added": _mysql_date(wishlist),
            "title": wishlist.title, "share_key": wishlist.share_key}


def _item_json(item: WishItem) -> Json:
    return {"item_id": item.id, "product_id": item.product_id, "variation_id": item.variation_id,
            "meta": item.meta or [], "date_added": item.added.astimezone(SHOP_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "price": money(item.price), "in_stock": item.in_stock}


def _mysql_date(wishlist: Wishlist) -> str:
    return wishlist.created.astimezone(SHOP_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _error(suffix: str, message: str) -> WpError:
    return WpError(PREFIX + suffix, message, 400)


def _absint(value: Any, default: int) -> int:
    """PHP `absint` of a value that was sent, `default` of one that was not."""
    return default if value is None else absint(value)


def _sanitize_text(text: str) -> str:
    """`sanitize_text_field`: no tags, no line breaks, no runs of spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", text)).strip()
