"""`priceDiscrepancies`: every listed product whose systems disagree on the price."""

import asyncio

import strawberry
from strawberry.types import Info

from ...context import Context
from ..common import Money, PageInfo
from ..pagination import check_first, window
from .pricing import ChannelPrice, shown_prices
from .types import Product, load_products


@strawberry.type
class PriceDiscrepancy:
    product: Product
    expected: Money
    channel_prices: list[ChannelPrice]


@strawberry.type
class PriceDiscrepancyConnection:
    nodes: list[PriceDiscrepancy]
    page_info: PageInfo


async def price_discrepancies(info: Info[Context, None], first: int | None,
                              after: str | None) -> PriceDiscrepancyConnection:
    first = check_first(first, 50)
    crosswalk = await info.context.reference.crosswalk.get()
    products = [p for p in await load_products(info, sorted(crosswalk.skus)) if p is not None]
    erp = await info.context.loaders.erp_price_by_sku.load_many([p.sku for p in products])
    others = await asyncio.gather(*(shown_prices(info, p.sku) for p in products))
    found = []
    for product, reference, shown in zip(products, erp, others, strict=True):
        if reference is None:
            continue
        prices = [reference] + [s for s in shown.whole().values() if s is not None]
        if any(s.amount.amount != reference.amount.amount for s in prices):
            found.append(PriceDiscrepancy(product=product, expected=Money.of(reference.amount),
                                          channel_prices=[ChannelPrice(source=s.system.value, amount=Money.of(s.amount))
                                                          for s in prices]))
    page = window(found, first, after)
    return PriceDiscrepancyConnection(nodes=[d for _, d in page.items], page_info=page.page_info)
