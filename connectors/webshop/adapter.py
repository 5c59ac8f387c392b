"""The web shop connector: WooCommerce REST v3 (+ TI Wishlist) behind the gateway's ports.

Serves Health, OnlineCatalog, Pricing (the shop's shown price), WebOrders, WebOrderChanges,
Wishlists and WishlistChanges. Keys are the shop's own numeric ids as strings; anything that is not
a positive integer within PHP's ints cannot exist there, so it is answered None (or empty)
without a call. Lists take at most 100 ids (`per_page` ≤ 100) and `customer`
takes one id, so batches become concurrent chunks or per-customer calls.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo

import aiohttp

from connectors.domain import NewRefund, NewWebOrder, OnlineProduct, Purchase, ShownPrice, System, WishEntry
from connectors.http import UpstreamClient, basic_auth
from connectors.resilience.policy import DEFAULT_RESILIENCE, Resilience
from connectors.resilience.snapshot import UpstreamHealth

from .events import WooEvents
from .listing import PER_PAGE, Lister, chunks, shop_ids
from .order_writes import OrderWriter
from .read_orders import purchase
from .read_products import online_product, product_key, wish_entries
from .read_wire import Json, classify, read_error
from .wishlist_writes import WishlistWriter

API_PATH = "/wp-json/wc/v3"

V = TypeVar("V")


class WebshopAdapter:
    system = System.WEBSHOP

    def __init__(self, client: UpstreamClient, shop_zone: tzinfo) -> None:
        self._client = client
        self._lister = Lister(client)
        self._wishlists = WishlistWriter(client, self._lister)
        self._orders = OrderWriter(client, self._lister)
        self._shop_zone = shop_zone
        self.events = WooEvents()  # what WooCommerce pushes

    @classmethod
    def connect(cls, session: aiohttp.ClientSession, base_url: str, key: str, secret: str, *,
                timeout_s: float = 2.0, shop_timezone: str = "UTC",
                resilience: Resilience = DEFAULT_RESILIENCE) -> "WebshopAdapter":
        """`base_url` is the site URL; key and secret go as HTTP Basic (TLS ends in front of the shop).

        `shop_timezone` is the site's `timezone_string` (WordPress defaults to UTC): wishlist dates come
        in shop time only, while core sends `…_gmt` twins.
        """
        client = UpstreamClient(System.WEBSHOP.value, base_url.rstrip("/") + API_PATH, session,
                                headers=basic_auth(key, secret), timeout_s=timeout_s,
                                read_error=read_error, classify=classify, resilience=resilience)
        return cls(client, ZoneInfo(shop_timezone))

    async def check(self) -> None:
        await self._lister.page("/products", {"per_page": "1", "_fields": "id"})

    def health_snapshot(self) -> UpstreamHealth:
        return self._client.health_snapshot()

    async def product_keys(self) -> list[tuple[str, str]]:
        """Ordered by id so that pages cannot shift while they are read."""
        rows = await self._lister.all_pages("/products", {"status": "any", "_fields": "id,sku",
                                                          "orderby": "id", "order": "asc"})
        return [product_key(row) for row in rows]

    async def products(self, product_ids: Sequence[str]) -> list[OnlineProduct | None]:
        found = await self._by_include("/products", product_ids)
        return [online_product(found[key]) if key in found else None for key in product_ids]

    async def changed_since(self, moment: datetime) -> dict[str, OnlineProduct | None]:
        """`modified_after` in GMT, as the sheet says a receiver catching up reads it; ordered by id so that
        pages cannot shift while they are read."""
        stamp = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        rows = await self._lister.all_pages("/products", {"status": "any", "modified_after": stamp,
                                                          "dates_are_gmt": "true", "orderby": "id", "order": "asc"})
        return {str(row["id"]): online_product(row) for row in rows}

    async def prices(self, keys: Sequence[str]) -> list[ShownPrice | None]:
        """The price the shop shows, keyed by its product id (the Pricing port's handle for this system)."""
        return [product.price if product else None for product in await self.products(keys)]

    async def orders(self, order_ids: Sequence[str]) -> list[Purchase | None]:
        found = await self._by_include("/orders", order_ids)
        return [purchase(found[key]) if key in found else None for key in order_ids]

    async def orders_of(self, webshop_customer_ids: Sequence[str]) -> list[tuple[Purchase, ...]]:
        found = await _per_key(webshop_customer_ids, self._orders_of_one)
        return [found.get(key, ()) for key in webshop_customer_ids]

    async def place_order(self, order: NewWebOrder) -> Purchase:
        return await self._orders.place(order)

    async def find_order(self, key: str, customer_id: str | None, placed_after: datetime) -> Purchase | None:
        return await self._orders.find(key, customer_id, placed_after)

    async def cancel_order(self, order_id: str) -> None:
        await self._orders.cancel(order_id)

    async def complete_order(self, order_id: str) -> None:
        await self._orders.complete(order_id)

    async def refund(self, refund: NewRefund) -> str:
        return await self._orders.refund(refund)

    async def refunded(self, order_id: str) -> list[tuple[str, int]]:
        return await self._orders.refunded(order_id)

    async def wishlists(self, webshop_customer_ids: Sequence[str]) -> list[tuple[WishEntry, ...] | None]:
        found = await _per_key(webshop_customer_ids, self._wishlist_of_one)
        return [found.get(key) for key in webshop_customer_ids]

    async def add_to_wishlist(self, webshop_customer_id: str, product_id: str) -> bool:
        return await self._wishlists.add(webshop_customer_id, product_id)

    async def remove_from_wishlist(self, webshop_customer_id: str, product_id: str) -> None:
        await self._wishlists.remove(webshop_customer_id, product_id)

    async def _by_include(self, path: str, ids: Sequence[str]) -> dict[str, Json]:
        """Records by id: one `include` call per 100 distinct ids, all chunks at once."""
        pages = await asyncio.gather(*(
            self._lister.page(path, {"include": ",".join(chunk), "per_page": str(PER_PAGE)})
            for chunk in chunks(shop_ids(ids), PER_PAGE)))
        return {str(row["id"]): row for page in pages for row in page}

    async def _orders_of_one(self, customer_id: str) -> tuple[Purchase, ...]:
        """Asked newest first; sorted again on the GMT date because the port promises that order."""
        rows = await self._lister.all_pages("/orders", {"customer": customer_id, "orderby": "date",
                                                        "order": "desc"})
        return tuple(sorted(map(purchase, rows), key=lambda p: p.occurred_at, reverse=True))

    async def _wishlist_of_one(self, customer_id: str) -> tuple[WishEntry, ...] | None:
        share_key = await self._wishlists.share_key(customer_id)
        if share_key is None:
            return None
        rows = await self._lister.all_offsets(f"/wishlist/{share_key}/get_products")
        return wish_entries(rows, self._shop_zone)

async def _per_key(keys: Sequence[str], fetch: Callable[[str], Awaitable[V]]) -> dict[str, V]:
    """One call per distinct shop id, all at once (the API takes one customer per call)."""
    distinct = shop_ids(keys)
    results = await asyncio.gather(*(fetch(key) for key in distinct))
    return dict(zip(distinct, results, strict=True))
