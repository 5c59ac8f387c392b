"""Wishlist changes through the TI Wishlist plugin: add a product, remove it, make a customer's list first;
and which list is the customer's, which reads need too.

The plugin keeps one default list per user and refreshes a product already listed rather than listing it twice,
so adding is idempotent upstream; removing takes every item of the product, so a repeat finds nothing to do.
"""

import asyncio

from connectors.errors import UpstreamRejected
from connectors.http import UpstreamClient

from .listing import Lister
from .read_wire import has_code

PREFIX = "ti_woocommerce_wishlist_api_"
NO_WISHLIST = PREFIX + "wishlist_not_found"
NOT_ADDED = PREFIX + "wishlist_products_not_found"  # no such product, or one in the bin
ITEM_GONE = PREFIX + "wishlist_product_not_found"
API_USER = "0"  # `get_by_user/0`: the caller's own default list, made if it has none


class WishlistWriter:
    def __init__(self, client: UpstreamClient, lister: Lister) -> None:
        self._client = client
        self._lister = lister
        # The only way to make a customer's list is to make the API user's own and hand it over: two at once
        # would hand over the same list, so this process makes one at a time.
        self._making = asyncio.Lock()

    async def add(self, customer_id: str, product_id: str) -> bool:
        """False when the shop has no such product to list (or no such customer: its ids are numbers)."""
        if not (customer_id.isdigit() and product_id.isdigit()):
            return False
        share_key = await self.share_key(customer_id) or await self._make_list(customer_id)
        try:
            await self._client.request("POST", f"/wishlist/{share_key}/add_product",
                                       json={"product_id": int(product_id)}, idempotent=True)
        except UpstreamRejected as error:
            if has_code(error, NOT_ADDED):
                return False
            raise
        return True

    async def remove(self, customer_id: str, product_id: str) -> None:
        """Every item of the product; a customer without a list has nothing to remove."""
        share_key = await self.share_key(customer_id) if customer_id.isdigit() else None
        if share_key is None:
            return
        rows = await self._lister.all_offsets(f"/wishlist/{share_key}/get_products")
        for item_id in {str(r["item_id"]) for r in rows if str(r.get("product_id")) == product_id}:
            try:
                await self._client.request("DELETE", f"/wishlist/{share_key}/remove_product/{item_id}",
                                           idempotent=True)
            except UpstreamRejected as error:
                if not has_code(error, ITEM_GONE):  # removed meanwhile: what was asked
                    raise

    async def share_key(self, customer_id: str) -> str | None:
        """The customer's first (default) list; the plugin answers 400 when they have none."""
        try:
            lists = await self._lister.page(f"/wishlist/get_by_user/{customer_id}", {})
        except UpstreamRejected as error:
            if has_code(error, NO_WISHLIST):
                return None
            raise
        return next((str(w["share_key"]) for w in lists if w.get("share_key")), None)

    async def _make_list(self, customer_id: str) -> str:
        """The sheet's only creation path: the API user's default list, then `update` giving it to the customer."""
        async with self._making:
            if (found := await self.share_key(customer_id)) is not None:
                return found
            [own] = await self._lister.page(f"/wishlist/get_by_user/{API_USER}", {})
            share_key = str(own["share_key"])
            await self._client.request("POST", f"/wishlist/update/{share_key}", json={"user_id": int(customer_id)},
                                       idempotent=True)
            return share_key

