"""`Customer.purchaseHistory` and `Customer.orders`: both systems' purchases, merged, paged by key."""

import strawberry
from strawberry.types import Info

from connectors import domain

from ...context import Context
from ...history import after_cursor, merge_newest_first
from ..common import Channel, PageInfo
from ..cursors import history_cursor, parse_history_cursor
from ..orders.types import Order, Purchase, purchase_of
from ..partial import gather_sources


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
    key = parse_history_cursor(after)
    loaders = info.context.loaders
    sources = {}
    if c.webshop_customer_id:
        sources["webshop"] = loaders.web_orders_by_webshop_customer.load(c.webshop_customer_id)
    if c.loyalty_card:
        sources["pos"] = loaders.receipts_by_card.load(c.loyalty_card)
    histories = await gather_sources(sources)
    merged = [p for p in merge_newest_first(*histories.answered.values())
              if channel is None or p.channel is channel]
    rest = after_cursor(merged, key)
    crosswalk = await info.context.reference.crosswalk.get()
    edges = [PurchaseEdge(cursor=history_cursor(p), node=purchase_of(p, crosswalk)) for p in rest[:first]]
    return PurchaseConnection(edges=edges, page_info=_page_info(edges, len(rest) > first, after),
                              total_count=len(merged), unavailable_sources=histories.unavailable)


async def order_page(info: Info[Context, None], c: domain.CustomerRecord, first: int,
                     after: str | None) -> OrderConnection:
    key = parse_history_cursor(after)
    orders = await info.context.loaders.web_orders_by_webshop_customer.load(c.webshop_customer_id) \
        if c.webshop_customer_id else ()
    merged = merge_newest_first(orders)
    rest = after_cursor(merged, key)
    crosswalk = await info.context.reference.crosswalk.get()
    edges = [OrderEdge(cursor=history_cursor(p), node=purchase_of(p, crosswalk)) for p in rest[:first]]  # type: ignore[arg-type]
    return OrderConnection(edges=edges, page_info=_page_info(edges, len(rest) > first, after),
                           total_count=len(merged))


def _page_info(edges: list[PurchaseEdge] | list[OrderEdge], more: bool, after: str | None) -> PageInfo:
    return PageInfo(has_next_page=more, has_previous_page=after is not None,
                    start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None)
