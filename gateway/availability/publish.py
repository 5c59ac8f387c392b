"""Telling the live hub that Omnigate's own write changed what a store can sell: a hold made, given back,
collected or lapsed, a sale or a return recorded at the till. The availability index (on every replica) reads
the pair again; subscribers hear of it."""

from collections.abc import Iterable
from datetime import datetime

from connectors.errors import ConnectorError

from ..cache import Refreshing
from ..crosswalk import Crosswalk
from ..live import LiveHub, StockChanged


async def holds_changed(live: LiveHub, crosswalk: Refreshing[Crosswalk], pairs: Iterable[tuple[str, str]],
                        at: datetime) -> None:
    """One `StockChanged` per (canonical sku, store code), keyed by the POS's GTIN as every stock event is. The
    write has succeeded already: a crosswalk that cannot be read leaves the change to the index's next check."""
    try:
        gtin_of = (await crosswalk.get()).gtin_of
    except ConnectorError:
        return
    for sku, store_code in dict.fromkeys(pairs):
        if (gtin := gtin_of.get(sku)) is not None:
            live.publish(StockChanged(gtin, store_code, at))
