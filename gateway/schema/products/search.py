"""`searchProducts(availableAt:)`: the catalog's matches for the text and category, narrowed by where stock can
be sold, from the availability index (gateway/availability/), never from the POS on the request path.

The catalog's matches (kept per catalog TTL) are intersected with the union of the chosen stores' sellable
sets; `totalCount` is that intersection's size. Pages run in sku order and a cursor is the last sku shown, so
an article that sells out meanwhile neither shifts nor repeats the next page. `online` filters by the web
shop's stock as before, after the stores' filter.
"""

import asyncio
from dataclasses import dataclass

import strawberry
from pyroaring import BitMap
from strawberry.types import Info

from ...auth.guards import check_scope
from ...availability import SellableSets
from ...context import Context
from ...errors import bad_input
from ..common import GeoPointInput, PageInfo, check_radius
from ..cursors import parse_sku_cursor, sku_cursor
from ..relay import parse_global_id
from ..stock_filter import sellable_sets
from .online import online_product

DEFAULT_RADIUS_KM = 30.0


@strawberry.input
class AvailabilityFilter:
    store_id: strawberry.ID | None = strawberry.field(default=None,
                                                      description="Only products with sellable stock in this store.")
    near: GeoPointInput | None = strawberry.field(
        default=None, description="Only products with sellable stock in a store within radiusKm of this point.")
    radius_km: float | None = DEFAULT_RADIUS_KM
    online: bool | None = strawberry.field(default=None, description="Only products that can be delivered.")


@dataclass(frozen=True)
class FilteredPage:
    skus: list[str]
    total: int
    page_info: PageInfo


def check_filter(info: Info[Context, None], where: AvailabilityFilter) -> None:
    """Refuses a filter that cannot run before the catalog is searched for it."""
    check_scope(info.context.principal, "availability")
    if where.store_id is None and where.near is None and not where.online:
        raise bad_input("`availableAt` needs `storeId`, `near` or `online: true`")
    if where.store_id is not None:
        parse_global_id(where.store_id, "Store")
    if where.near is not None:
        _radius(info, where)


async def available_page(info: Info[Context, None], text: str | None, category: str | None,
                         where: AvailabilityFilter, first: int, after: str | None) -> FilteredPage | None:
    """One page of the products matching the search that pass every condition of the filter; None (the field
    says it is warming) while the availability index has never been built."""
    last_seen = parse_sku_cursor(after)
    ctx = info.context
    if where.store_id is None and where.near is None:
        skus = sorted(await ctx.reference.search_candidates.skus(ctx.reads.search, text, category))
        return _listed_page(await _online_only(info, skus), last_seen, first)
    sets = await sellable_sets(info)
    if sets is None:
        return None
    matching = await ctx.reference.search_candidates.numbers(ctx.reads.search, text, category, sets)
    for codes in await _store_filters(info, where):
        matching = matching & sets.sellable_in(codes)
    if where.online:
        return _listed_page(await _online_only(info, [sets.skus[n] for n in matching]), last_seen, first)
    return _numbered_page(sets, matching, last_seen, first)


async def _store_filters(info: Info[Context, None], where: AvailabilityFilter) -> list[list[str]]:
    """The store codes of each store condition (all conditions must hold)."""
    conditions = []
    if where.store_id is not None:
        conditions.append([parse_global_id(where.store_id, "Store")[1]])
    if where.near is not None:
        index = await info.context.reference.stores.get()
        conditions.append([n.store.code for n in index.nearest(where.near.to_domain(), _radius(info, where))])
    return conditions


def _numbered_page(sets: SellableSets, matching: BitMap, last_seen: str | None, first: int) -> FilteredPage:
    start = sets.after(last_seen)
    skipped = matching.rank(start - 1) if start > 0 else 0
    skus = [sets.skus[n] for n in matching[skipped:skipped + first]]
    return FilteredPage(skus, len(matching), _page_info(skus, skipped, len(matching)))


def _listed_page(skus: list[str], last_seen: str | None, first: int) -> FilteredPage:
    skipped = 0 if last_seen is None else next((i for i, sku in enumerate(skus) if sku > last_seen), len(skus))
    chosen = skus[skipped:skipped + first]
    return FilteredPage(chosen, len(skus), _page_info(chosen, skipped, len(skus)))


def _page_info(chosen: list[str], skipped: int, total: int) -> PageInfo:
    return PageInfo(has_next_page=skipped + len(chosen) < total, has_previous_page=skipped > 0,
                    start_cursor=sku_cursor(chosen[0]) if chosen else None,
                    end_cursor=sku_cursor(chosen[-1]) if chosen else None)


async def _online_only(info: Info[Context, None], skus: list[str]) -> list[str]:
    """The skus the web shop has in stock, as the web shop's stock fields read them (batched, cached)."""
    products = await asyncio.gather(*(online_product(info, sku) for sku in skus))
    return [sku for sku, p in zip(skus, products, strict=True) if p and (p.stock or 0) > 0]


def _radius(info: Info[Context, None], where: AvailabilityFilter) -> float:
    radius = DEFAULT_RADIUS_KM if where.radius_km is None else where.radius_km
    return check_radius(radius, info.context.settings.max_radius_km)
