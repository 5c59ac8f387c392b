"""`/products`, `/products/{id}` and `/products/batch` of the WooCommerce v3 API."""

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .batch import read_batch, run_batch
from .catalog import Catalog, Product
from .params import QueryArgs
from .php import php_int
from .product_json import product_json
from .product_writes import apply_fields, create_product
from .wp import Json, WpError, collection, item, json_response, wall_clock

STATUS_FILTER = ("any", "future", "trash", "draft", "pending", "private", "publish")
STOCK_FILTER = ("instock", "outofstock", "onbackorder")
ORDER_BY = ("date", "id", "include", "title", "slug", "modified", "price", "popularity", "rating", "menu_order")

SortKey = Callable[[Product], Any]


class ProductsApi:
    def __init__(self, catalog: Catalog, prefix: str) -> None:
        self.catalog = catalog
        self.prefix = prefix

    async def get_items(self, request: web.Request) -> web.Response:
        args = QueryArgs(request)
        page = args.page()
        include, exclude = args.id_list("include"), args.id_list("exclude")
        categories = _category_ids(args.text("category"))
        status = args.enum("status", "any", STATUS_FILTER)
        stock_status = args.enum("stock_status", "", STOCK_FILTER)
        orderby = args.enum("orderby", "date", ORDER_BY)
        descending = args.enum("order", "desc", ("asc", "desc")) == "desc"
        skus, search = _sku_set(args.raw("sku")), args.text("search")
        gmt = args.boolean("dates_are_gmt", False)
        modified_after, modified_before = args.date("modified_after", gmt), args.date("modified_before", gmt)
        args.check()
        rows = [p for p in self.catalog.all()
                if (not include or p.id in include) and p.id not in exclude
                and (status == "trash" if p.status == "trash" else status in ("any", p.status))
                and (not stock_status or p.stock_status == stock_status)
                and (categories is None or any(c.id in categories for c in p.categories))
                and (skus is None or p.sku.casefold() in skus) and (not search or _found(p, search))
                and (modified_after is None or p.modified > modified_after)
                and (modified_before is None or p.modified < modified_before)]
        rows.sort(key=self._sort_key(orderby, include), reverse=descending)
        return collection(request, [self._json(p, request) for p in page.cut(rows)], len(rows), page)

    async def get_item(self, request: web.Request) -> web.Response:
        product = self.catalog.get(php_int(request.match_info["id"]))
        if product is None:
            return _invalid_id(404).response()
        return item(request, self._json(product, request))

    async def batch_items(self, request: web.Request) -> web.Response:
        work = await read_batch(request)
        now = wall_clock()

        def create(posted: dict[str, Any]) -> Json:
            return self._json(create_product(self.catalog, posted, now), request)

        def update(posted: dict[str, Any]) -> Json:
            product = self.catalog.get(php_int(posted.get("id")))
            if product is None:
                raise _invalid_id(400)
            apply_fields(self.catalog, product, posted, now)
            return self._json(product, request)

        def delete(product_id: int) -> Json:
            product = self.catalog.get(product_id)
            if product is None:
                raise _invalid_id(404)
            shown = self._json(product, request)
            self.catalog.remove(product_id)
            return shown

        return json_response(run_batch(work, create, update, delete))

    def _json(self, product: Product, request: web.Request) -> Json:
        return product_json(product, self.catalog.clock, request, self.prefix)

    def _sort_key(self, orderby: str, include: list[int]) -> SortKey:
        """Ties fall back on the id, in the same direction (`orderby=date ID`)."""
        clock = self.catalog.clock
        keys: dict[str, SortKey] = {
            "date": lambda p: (p.created, p.id), "id": lambda p: p.id, "modified": lambda p: (p.modified, p.id),
            "title": lambda p: (p.name.casefold(), p.id), "slug": lambda p: (p.slug, p.id),
            "price": lambda p: (p.price(clock) or 0, p.id), "popularity": lambda p: (0, p.id),
            "rating": lambda p: (0, p.id), "menu_order": lambda p: (0, p.name.casefold(), p.id),
        }
        if orderby == "include" and include:
            position = {product_id: n for n, product_id in enumerate(include)}
            return lambda p: position.get(p.id, len(position))
        return keys.get(orderby, keys["date"])


def _sku_set(skus: str | None) -> set[str] | None:
    """`sku=a,b` is an SQL IN over the stored SKUs (the whole string is one more candidate), untrimmed."""
    if not skus:
        return None
    return {s.casefold() for s in skus.split(",") if s} | {skus.casefold()}


def _category_ids(category: str | None) -> set[int] | None:
    """`category` is a plain string of term ids, each read by PHP: a word that is no id matches no product."""
    if category is None:
        return None
    return {php_int(part) for part in category.split(",")}


def _found(product: Product, search: str) -> bool:
    needle = search.casefold()
    return needle in product.name.casefold() or needle in product.sku.casefold()


def _invalid_id(status: int) -> WpError:
    return WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", status)
