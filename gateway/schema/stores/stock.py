"""Store stock by canonical sku: what the POS counts IN_STOCK (through the crosswalk to its GTIN, one batched
loader) less the units Omnigate holds there for reserve & collect (pos.md: Square cannot reserve)."""

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import replace

from strawberry.types import Info

from connectors.domain import StockLevel

from ...context import Context
from ...crosswalk import Crosswalk


async def stock_levels(info: Info[Context, None], pairs: Sequence[tuple[str, str]]) -> list[StockLevel | None]:
    """Sellable per (sku, store code), aligned: IN_STOCK minus active holds (counted as reserved), never below
    0; None for an unknown sku or an article the store does not carry. The POS and the ledger are read at once:
    both loads are queued before either is awaited, so no task is needed to run them side by side."""
    crosswalk = await info.context.reference.crosswalk.get()
    canonical_of = {sku: crosswalk.canonical_sku(sku) for sku in {sku for sku, _ in pairs}}
    holding = info.context.ledger.held_now([(canonical_of[sku] or sku, code) for sku, code in pairs])
    gtins, counting = _count(info, crosswalk, pairs, canonical_of=canonical_of)
    try:
        counted = _aligned(gtins, await counting)
    except BaseException:
        holding.add_done_callback(_seen)  # this request answers with the POS's error, not the ledger's too
        raise
    held = await holding
    return [replace(level, sellable=max(0, level.sellable - units), reserved=level.reserved + units)
            if level and units else level for level, units in zip(counted, held, strict=True)]


async def in_stock(info: Info[Context, None], pairs: Sequence[tuple[str, str]],
                   fresh: bool = False) -> list[StockLevel | None]:
    """What the POS counts IN_STOCK per (sku, store code), aligned; `fresh` skips the shared cache (and so
    refreshes it for every request) where a write depends on the figure."""
    gtins, counting = _count(info, await info.context.reference.crosswalk.get(), pairs, fresh)
    return _aligned(gtins, await counting)


def _count(info: Info[Context, None], crosswalk: Crosswalk, pairs: Sequence[tuple[str, str]], fresh: bool = False,
           canonical_of: dict[str, str | None] | None = None) -> tuple[list[str | None],
                                                                      Awaitable[list[StockLevel | None]]]:
    """Each pair's GTIN (None for an unknown sku) and the loader's answer for the known ones. The crosswalk is
    read once per sku (`canonical_of`, if the caller has it): a product's stock in 15 stores is one sku."""
    info.context.reference.keep_pos_articles_fresh()
    canonical = canonical_of or {sku: crosswalk.canonical_sku(sku) for sku in {sku for sku, _ in pairs}}
    gtin_of = {sku: crosswalk.gtin_of.get(found or "") for sku, found in canonical.items()}
    gtins = [gtin_of[sku] for sku, _ in pairs]
    wanted = [(gtin, code) for gtin, (_, code) in zip(gtins, pairs, strict=True) if gtin]
    if fresh:
        info.context.reference.caches.stock.invalidate(wanted)
    return gtins, info.context.loaders.stock_by_gtin_and_store.load_many(wanted)


def _aligned(gtins: list[str | None], counts: list[StockLevel | None]) -> list[StockLevel | None]:
    found = iter(counts)
    return [next(found) if gtin else None for gtin in gtins]


def _seen(future: "asyncio.Future[list[int]]") -> None:
    if not future.cancelled():
        future.exception()
