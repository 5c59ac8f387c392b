"""`priceDiscrepancies`: every listed product whose systems disagree on the price, read from the gateway's
price-audit index (`gateway/prices/index.py`), never from the back offices on the request path."""

from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from ...context import Context
from ...errors import ErrorCode, coded
from ...prices.index import RETRY_AFTER_S, Discrepancy
from ..common import Money, PageInfo
from ..cursors import parse_sku_cursor, sku_cursor
from ..pagination import check_first, empty_page
from .pricing import ChannelPrice
from .types import Product

WARMING_MESSAGE = "the price audit is still being built; ask again shortly"


@strawberry.type
class PriceDiscrepancy:
    product: Product
    expected: Money
    channel_prices: list[ChannelPrice]

    @classmethod
    def of(cls, d: Discrepancy) -> "PriceDiscrepancy":
        return cls(product=Product.of(d.product), expected=Money.of(d.expected.amount),
                   channel_prices=[ChannelPrice(source=s.system.value, amount=Money.of(s.amount)) for s in d.shown])


@strawberry.type
class PriceDiscrepancyConnection:
    nodes: list[PriceDiscrepancy]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many products disagree in all, as of `indexedAt`.")
    indexed_at: datetime | None = strawberry.field(
        default=None, description="When the back offices were read for this answer (the index is rebuilt in the "
                                  "background within the price TTL); null while it has never been built.")


def empty_audit() -> PriceDiscrepancyConnection:
    return PriceDiscrepancyConnection(nodes=[], page_info=empty_page(), total_count=0)


async def price_discrepancies(info: Info[Context, None], first: int | None,
                              after: str | None) -> PriceDiscrepancyConnection:
    first = check_first(first, 50)
    last_seen = parse_sku_cursor(after)
    index = info.context.reference.price_audit
    snapshot = index.snapshot
    if snapshot is None:
        if index.failure is not None:
            raise index.failure  # EmptyWhenUpstreamDown answers empty with the failing system's error
        index.start()
        info.context.partial_errors.append(GraphQLError(
            WARMING_MESSAGE, path=list(info.path.as_list()), extensions=coded(ErrorCode.WARMING_UP,
                                                                              retryAfterS=RETRY_AFTER_S)))
        return empty_audit()
    start = snapshot.after(last_seen)
    chosen = snapshot.entries[start:start + first]
    skus = [d.product.sku for d in chosen]
    return PriceDiscrepancyConnection(
        nodes=[PriceDiscrepancy.of(d) for d in chosen],
        page_info=PageInfo(has_next_page=start + len(chosen) < len(snapshot.entries), has_previous_page=start > 0,
                           start_cursor=sku_cursor(skus[0]) if skus else None,
                           end_cursor=sku_cursor(skus[-1]) if skus else None),
        total_count=len(snapshot.entries), indexed_at=snapshot.indexed_at)
