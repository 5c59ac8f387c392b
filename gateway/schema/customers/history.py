"""`Customer.purchaseHistory` and `Customer.orders`: both systems' purchases, merged, paged by key."""

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.errors import ConnectorError

from ...context import Context
from ...errors import bad_input
from ...history import after_cursor, decode_cursor, encode_cursor, merge_newest_first
from ...settle import answered, settle
from ..common import Channel, PageInfo
from ..orders.types import Order, Purchase, purchase_of


@strawberry.type
class PurchaseEdge:
    cursor: str
    node: Purchase


@strawberry.type
class PurchaseConnection:
    edges: list[PurchaseEdge]
    page_info: PageInfo
    total_count: int
    unavailable_sources: list[str] = strawberry.field(
        description='Systems that did not answer: their purchases are missing from this page (e.g. ["pos"]).')


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int


async def purchase_page(info: Info[Context, None], c: domain.CustomerRecord, first: int, after: str | None,
                        channel: Channel | None) -> PurchaseConnection:
    key = _cursor_key(after)
    loaders = info.context.loaders
    sources = {}
    if c.webshop_customer_id:
        sources["webshop"] = loaders.web_orders_by_webshop_customer.load(c.webshop_customer_id)
    if c.loyalty_card:
        sources["pos"] = loaders.receipts_by_card.load(c.loyalty_card)
    results = dict(zip(sources, await settle(*sources.values()), strict=True))
    merged = [p for p in merge_newest_first(*answered(list(results.values())))
              if channel is None or p.channel is channel]
    rest = after_cursor(merged, key)
    crosswalk = await info.context.reference.crosswalk.get()
    edges = [PurchaseEdge(cursor=encode_cursor(p), node=purchase_of(p, crosswalk)) for p in rest[:first]]
    missing = sorted(s for s, r in results.items() if isinstance(r, ConnectorError))
    return PurchaseConnection(edges=edges, page_info=_page_info(edges, len(rest) > first, after),
                              total_count=len(merged), unavailable_sources=missing)


async def order_page(info: Info[Context, None], c: domain.CustomerRecord, first: int,
                     after: str | None) -> OrderConnection:
    key = _cursor_key(after)
    orders = await info.context.loaders.web_orders_by_webshop_customer.load(c.webshop_customer_id) \
        if c.webshop_customer_id else ()
    merged = merge_newest_first(orders)
    rest = after_cursor(merged, key)
    crosswalk = await info.context.reference.crosswalk.get()
    edges = [OrderEdge(cursor=encode_cursor(p), node=purchase_of(p, crosswalk)) for p in rest[:first]]  # type: ignore[arg-type]
    return OrderConnection(edges=edges, page_info=_page_info(edges, len(rest) > first, after),
                           total_count=len(merged))


def _cursor_key(after: str | None) -> tuple[float, str, str] | None:
    if after is None:
        return None
    key = decode_cursor(after)
    if key is None:
        raise bad_input(f"{after!r} is not a valid cursor")
    return key


def _page_info(edges: list[PurchaseEdge] | list[OrderEdge], more: bool, after: str | None) -> PageInfo:
    return PageInfo(has_next_page=more, has_previous_page=after is not None,
                    start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None)
