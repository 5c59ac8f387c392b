"""What a change outdates, dropped on every replica: a `LiveHub` handler for the changes the hub carries (it runs
on each replica for each event, from this process or through Redis), and a broadcast of its own for changed
articles, which the hub does not carry.

The replica that processed the event also deletes the entries from Redis' second level (`invalidate`), so that
no replica refills from there what the back office just changed.
"""

import logging
from typing import Any

from connectors.changes import ArticlesChanged
from connectors.domain import System

from ..live import LiveEvent, ReservationChanged, StockChanged
from ..reference import ReferenceData
from ..response_cache import ResponseCache
from ..shared.bus import Bus

TOPIC = "webhooks:articles"
log = logging.getLogger("omnigate.webhooks")


class Invalidation:
    def __init__(self, reference: ReferenceData, responses: ResponseCache, bus: Bus | None) -> None:
        self._reference = reference
        self._responses = responses
        self._bus = bus
        if bus is not None:
            bus.on(TOPIC, self._from_replica)

    def on_change(self, event: LiveEvent) -> None:
        """For `LiveHub.on_change`: a stock count dropped here; any change of stock or holds outdates the kept
        responses holding stock (customer data is never kept across requests: nothing else to drop)."""
        if isinstance(event, StockChanged):
            self._reference.caches.stock.drop([(event.item, event.store_code)])
        if isinstance(event, StockChanged | ReservationChanged):
            self._responses.outdate()

    def stock_counted(self, gtin: str, store_code: str) -> None:
        """On the processing replica, before the hub is told: gone from Redis too."""
        self._reference.caches.stock.invalidate([(gtin, store_code)])

    def articles_changed(self, change: ArticlesChanged) -> None:
        """Here and on every other replica."""
        data = {"system": change.system.value, "ids": list(change.product_ids) if change.product_ids else None,
                "listing": change.listing_changed}
        self._articles(data, here=True)
        if self._bus is not None:
            self._bus.publish(TOPIC, data)

    def _articles(self, data: dict[str, Any], here: bool) -> None:
        caches, ids = self._reference.caches, data["ids"]
        if data["system"] == System.POS.value:
            caches.pos_prices.invalidate(caches.pos_prices.held_keys())  # Square does not say which: all of them
            self._reference.pos_articles.expire()
        elif data["system"] == System.WEBSHOP.value:
            caches.online_products.invalidate(ids if ids is not None else caches.online_products.held_keys())
        if data["listing"]:
            self._reference.listing_changed(System(data["system"]), here)
        self._responses.clear()

    def _from_replica(self, data: Any) -> None:
        try:
            self._articles(data, here=False)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("ignored an articles change from another replica: %s", error)
