"""Accessories of what a customer bought anywhere, not bought yet, sellable ones first."""

import asyncio

from strawberry.types import Info

from connectors import domain

from ...context import Context
from ...history import merge_newest_first
from ..partial import gather_sources
from ..products.online import online_product
from ..products.types import Product, load_products
from ..stores.stock import stock_levels


async def recommended_accessories(info: Info[Context, None], c: domain.CustomerRecord,
                                  first: int) -> list[Product]:
    bought = await _bought_skus(info, c)
    relations = await info.context.loaders.relations_by_sku.load_many(bought)
    candidates = list(dict.fromkeys(r.related_sku for rs in relations for r in rs if r.related_sku not in bought))
    products = [p for p in await load_products(info, candidates) if p is not None]
    sellable = await _sellable(info, c, [p.sku for p in products])
    return sorted(products, key=lambda p: p.sku not in sellable)[:first]


async def _bought_skus(info: Info[Context, None], c: domain.CustomerRecord) -> list[str]:
    """Newest purchase first; a system that fails only narrows the basis of the recommendation."""
    loaders, reads = info.context.loaders, {}
    if c.webshop_customer_id:
        reads["webshop"] = loaders.web_orders_by_webshop_customer.load(c.webshop_customer_id)
    if c.loyalty_card:
        reads["pos"] = loaders.receipts_by_card.load(c.loyalty_card)
    histories = (await gather_sources(reads)).answered.values()
    crosswalk = await info.context.reference.crosswalk.get()
    skus = (crosswalk.sku_for_line(line.sku, line.gtin) for p in merge_newest_first(*histories) for line in p.lines)
    return list(dict.fromkeys(s for s in skus if s))


async def _sellable(info: Info[Context, None], c: domain.CustomerRecord, skus: list[str]) -> set[str]:
    """Skus in stock online or at the customer's favourite store; unknown when those systems fail."""
    async def online() -> set[str]:
        found = await asyncio.gather(*(online_product(info, s) for s in skus))
        return {s for s, p in zip(skus, found, strict=True) if p and (p.stock or 0) > 0}

    async def in_store() -> set[str]:
        if c.favourite_store is None:
            return set()
        levels = await stock_levels(info, [(s, c.favourite_store) for s in skus])
        return {s for s, level in zip(skus, levels, strict=True) if level and level.sellable > 0}

    return set().union(*(await gather_sources({"webshop": online(), "pos": in_store()})).answered.values())
