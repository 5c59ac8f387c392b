"""Catalog entry points: by sku, by barcode, a list of skus, and search."""

import strawberry
from strawberry.types import Info

from ...auth.permissions import CATALOG, StaffOnly
from ...context import Context
from .. import keys
from ..common import PageInfo
from ..cursors import offset_cursor, parse_offset_cursor, sku_cursor
from ..pagination import check_first, check_list, empty_page, page_info
from ..partial import EmptyWhenUpstreamDown
from .discrepancies import PriceDiscrepancyConnection, empty_audit, price_discrepancies
from .prefetch import product_fields
from .search import AvailabilityFilter, available_page, check_filter
from .types import Product, load_product, load_products


@strawberry.type
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ProductQueries:
    @strawberry.field(permission_classes=[CATALOG])
    async def product(self, info: Info[Context, None], sku: str) -> Product | None:
        keys.SKU.check(sku)
        crosswalk = await info.context.reference.crosswalk.get()
        canonical = crosswalk.canonical_sku(sku)
        return await load_product(info, canonical) if canonical else None

    @strawberry.field(description="A product by its barcode, as a kiosk or a till scans it.",
                      permission_classes=[CATALOG])
    async def product_by_gtin(self, info: Info[Context, None], gtin: str) -> Product | None:
        scanned = keys.GTIN.check(gtin.strip())
        sku = (await info.context.reference.crosswalk.get()).sku_of_gtin.get(scanned)
        return await load_product(info, sku) if sku else None

    @strawberry.field(description="Up to 100 products by sku, in the order asked; null for an unknown sku.",
                      permission_classes=[CATALOG],
                      extensions=[EmptyWhenUpstreamDown(lambda kwargs: [None] * len(kwargs["skus"]))])
    async def products(self, info: Info[Context, None], skus: list[str]) -> list[Product | None]:
        check_list(skus, "skus")
        keys.check_skus(skus)
        crosswalk = await info.context.reference.crosswalk.get()
        canonical = [crosswalk.canonical_sku(s) for s in skus]
        found = iter(await load_products(info, [c for c in canonical if c]))
        return [next(found) if c else None for c in canonical]

    @strawberry.field(permission_classes=[CATALOG], extensions=[EmptyWhenUpstreamDown(
        lambda _: ProductConnection(edges=[], page_info=empty_page(), total_count=0))])
    async def search_products(self, info: Info[Context, None], query: str | None = None,
                              category: str | None = None, available_at: AvailabilityFilter | None = None,
                              first: int | None = 20, after: str | None = None) -> ProductConnection:
        first = check_first(first, 20)
        text = keys.SEARCH_TEXT.check(query or "").strip() or None
        category = keys.CATEGORY.check(category) if category else None
        if available_at is not None:
            check_filter(info, available_at)
            return await _available(info, text, category, available_at, first, after)
        start = parse_offset_cursor(after)
        page = await info.context.reads.search(text, category, start, first)
        skus, total = list(page.skus), page.total
        products = await load_products(info, skus, product_fields(info, ("edges", "node")))
        edges = [ProductEdge(cursor=offset_cursor(start + i), node=p) for i, p in enumerate(products) if p]
        offsets = list(range(start, start + len(skus)))
        return ProductConnection(edges=edges, page_info=page_info(start, offsets, total), total_count=total)

    @strawberry.field(description="Staff only: products whose systems disagree on the price, by sku, from the "
                                  "gateway's price-audit index (`indexedAt` says when it was read; `WARMING_UP` "
                                  "while it has never been built).",
                      permission_classes=[StaffOnly], extensions=[EmptyWhenUpstreamDown(
                          lambda _: empty_audit())])
    async def price_discrepancies(self, info: Info[Context, None], first: int | None = 50,
                                  after: str | None = None) -> PriceDiscrepancyConnection:
        return await price_discrepancies(info, first, after)


async def _available(info: Info[Context, None], text: str | None, category: str | None, where: AvailabilityFilter,
                     first: int, after: str | None) -> ProductConnection:
    """Stock-filtered: from the availability index; empty with `WARMING_UP` until it is first built."""
    page = await available_page(info, text, category, where, first, after)
    if page is None:
        return ProductConnection(edges=[], page_info=empty_page(), total_count=0)
    products = await load_products(info, page.skus, product_fields(info, ("edges", "node")))
    edges = [ProductEdge(cursor=sku_cursor(p.sku), node=p) for p in products if p]
    return ProductConnection(edges=edges, page_info=page.page_info, total_count=page.total)
