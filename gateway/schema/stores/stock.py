"""Store stock by canonical sku: what the POS counts IN_STOCK (through the crosswalk to its GTIN, one batched
loader) less the units Omnigate holds there for reserve & collect (pos.md: Square cannot reserve)."""

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from strawberry.types import Info

from connectors.domain import StockLevel

from ...context import Context


async def stock_levels(info: Info[Context, None], pairs: Sequence[tuple[str, str]]) -> list[StockLevel | None]:
    """Sellable per (sku, store code), aligned: IN_STOCK minus active holds (counted as reserved), never below
    0; None for an unknown sku or an article the store does not carry. The POS and the ledger are read at once."""
    crosswalk = await info.context.reference.crosswalk.get()
    canonical = [(crosswalk.canonical_sku(sku) or sku, code) for sku, code in pairs]
    counted, held = await asyncio.gather(in_stock(info, pairs), info.context.ledger.held_now(canonical))
    return [replace(level, sellable=max(0, level.sellable - units), reserved=level.reserved + units)
            if level and units else level for level, units in zip(counted, held, strict=True)]


async def in_stock(info: Info[Context, None], pairs: Sequence[tuple[str, str]],
                   fresh: bool = False) -> list[StockLevel | None]:
    """What the POS counts IN_STOCK per (sku, store code), aligned; `fresh` skips the shared cache (and so
    refreshes it for every request) where a write depends on the figure."""
    info.context.reference.keep_pos_articles_fresh()
    crosswalk = await info.context.reference.crosswalk.get()
    gtins = [crosswalk.gtin_of.get(crosswalk.canonical_sku(sku) or "") for sku, _ in pairs]
    wanted = [(gtin, code) for gtin, (_, code) in zip(gtins, pairs, strict=True) if gtin]
    if fresh:
        info.context.reference.caches.stock.invalidate(wanted)
    found = iter(await info.context.loaders.stock_by_gtin_and_store.load_many(wanted))
    return [next(found) if gtin else None for gtin in gtins]
