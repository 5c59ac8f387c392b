"""Store stock by canonical sku: through the crosswalk to the POS's GTIN, then one batched loader."""

from collections.abc import Sequence

from strawberry.types import Info

from connectors.domain import StockLevel

from ...context import Context


async def stock_levels(info: Info[Context, None], pairs: Sequence[tuple[str, str]]) -> list[StockLevel | None]:
    """Stock per (sku, store code), aligned; None for an unknown sku or an article the store does not carry."""
    crosswalk = await info.context.reference.crosswalk.get()
    gtins = [crosswalk.gtin_of.get(crosswalk.canonical_sku(sku) or "") for sku, _ in pairs]
    wanted = [(gtin, code) for gtin, (_, code) in zip(gtins, pairs, strict=True) if gtin]
    found = iter(await info.context.loaders.stock_by_gtin_and_store.load_many(wanted))
    return [next(found) if gtin else None for gtin in gtins]
