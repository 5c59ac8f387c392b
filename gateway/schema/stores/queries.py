"""`store(id:)`, `storeByCode(code:)`, `myStore` and `stores(near:, radiusKm:, service:, inStockSkus:)`."""

import strawberry
from strawberry.types import Info

from ...auth.guards import check_scope
from ...auth.principals import Role
from ...context import Context
from ...errors import bad_input
from ...geo import Nearby
from .. import keys
from ..common import GeoPointInput, check_radius
from ..cursors import offset_cursor
from ..pagination import check_first, check_list, empty_page, window
from ..partial import EmptyWhenUpstreamDown
from ..stock_filter import sellable_sets
from .types import Store, StoreConnection, StoreEdge, StoreService


@strawberry.type
class StoreQueries:
    @strawberry.field
    async def store(self, info: Info[Context, None], id: strawberry.ID) -> Store | None:
        return await Store.resolve_reference(info, id)

    @strawberry.field(description="The store with this POS code, closed ones included (`isOpen` false); null when "
                                  "no store has it. Public, like the store directory.")
    async def store_by_code(self, info: Info[Context, None], code: str) -> Store | None:
        return await Store.by_code(info, keys.STORE_CODE.check(code))

    @strawberry.field(description="The caller's own store, as `me` is the caller: a kiosk's, the store its key is "
                                  "bound to; staff's, the store in their token, if any. Null for everyone else, "
                                  "staff without a store included.")
    async def my_store(self, info: Info[Context, None]) -> Store | None:
        principal = info.context.principal
        if principal.role not in (Role.KIOSK, Role.STAFF) or principal.store is None:
            return None
        return await Store.by_code(info, principal.store)

    @strawberry.field(description="Open stores, nearest first when `near` is given; with `inStockSkus`, only "
                                  "stores that can sell every one of them now (the whole basket in one place). "
                                  "A closed store is still found by `store(id:)` and `storeByCode`.",
                      extensions=[EmptyWhenUpstreamDown(
                          lambda _: StoreConnection(edges=[], page_info=empty_page(), total_count=0))])
    async def stores(self, info: Info[Context, None], near: GeoPointInput | None = None,
                     radius_km: float | None = None, service: StoreService | None = None,
                     in_stock_skus: list[str] | None = None, first: int | None = 10,
                     after: str | None = None) -> StoreConnection:
        first = check_first(first, 10)
        if radius_km is not None:
            if near is None:
                raise bad_input("`radiusKm` needs `near`")
            check_radius(radius_km, info.context.settings.max_radius_km)
        if in_stock_skus is not None:
            check_list(in_stock_skus, "inStockSkus")
            keys.check_skus(in_stock_skus)
        index = await info.context.reference.stores.get()
        candidates = (index.nearest(near.to_domain(), radius_km) if near
                      else [Nearby(s, -1.0) for s in index.stores if s.active])
        if service is not None:
            candidates = [c for c in candidates if service.value in c.store.services]
        if in_stock_skus is not None:
            candidates = await _with_whole_basket(info, candidates, in_stock_skus)
        page = window(candidates, first, after)
        edges = [StoreEdge(cursor=offset_cursor(offset), node=Store.of(n.store),
                           distance_km=round(n.distance_km, 3) if near else None) for offset, n in page.items]
        return StoreConnection(edges=edges, page_info=page.page_info, total_count=len(candidates))


async def _with_whole_basket(info: Info[Context, None], candidates: list[Nearby], skus: list[str]) -> list[Nearby]:
    """The stores that can sell every one of the skus, by the availability index (none while it warms, which
    the field says)."""
    check_scope(info.context.principal, "availability")
    sets = await sellable_sets(info)
    if sets is None:
        return []
    crosswalk = await info.context.reference.crosswalk.get()
    wanted = list(dict.fromkeys(crosswalk.canonical_sku(sku) or sku for sku in skus))
    return [c for c in candidates if all(sets.can_sell(sku, c.store.code) for sku in wanted)]
