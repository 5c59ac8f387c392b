"""Reference data shared by every request: the store index, the product crosswalk, the keyed caches."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from connectors.domain import System
from connectors.errors import ConnectorError

from .cache import Refreshing
from .clock import Clock, seconds, utc_now
from .crosswalk import Crosswalk, DataQualityLog
from .geo import StoreIndex
from .loaders.shared import build_shared_caches
from .prices.index import PriceAuditIndex
from .settings import Settings

STORES_TTL_S = 300.0
CROSSWALK_TTL_S = 600.0
PARTIAL_CROSSWALK_TTL_S = 15.0
POS_ARTICLES_TTL_S = 600.0  # like the crosswalk: the POS catalog changes when articles are added or delisted
POS_ARTICLES_RETRY_S = 15.0
log = logging.getLogger("omnigate.reference")

if TYPE_CHECKING:
    from .backends import Backends


class ReferenceData:
    def __init__(self, backends: Backends, settings: Settings, clock: Clock = utc_now) -> None:
        """`clock` dates what is fetched, for TTLs and the ages of stale answers."""
        self._backends = backends
        now = seconds(clock)
        self.caches = build_shared_caches(backends, settings, now)
        self._quality = DataQualityLog()
        stale_s = settings.stale_reference_s
        self.stores = Refreshing("store index", System.POS.value, self._load_stores, STORES_TTL_S, stale_s, now)
        self.crosswalk = Refreshing("crosswalk", System.ERP.value, self._load_crosswalk,
                                    lambda c: CROSSWALK_TTL_S if c.webshop_known else PARTIAL_CROSSWALK_TTL_S,
                                    stale_s, now)
        # GTINs the POS sells; loading it teaches the POS adapter each one's item id (which never leaves the
        # adapter), so store stock is one call, in the same level as the ERP product
        self.pos_articles = Refreshing("POS article index", System.POS.value,
                                       backends.store_inventory.index_articles, POS_ARTICLES_TTL_S, stale_s, now)
        self.price_audit = PriceAuditIndex(backends, self.crosswalk, settings.price_audit_refresh_s)
        self._audit_at_start = settings.price_audit_at_start

    async def warm(self) -> None:
        """Loads the store index, the crosswalk and the POS article index at start-up so the first request does
        not pay for them; failures wait for first use. The price-audit index starts building in the background
        too (unless it waits for its first audit)."""
        if self._audit_at_start:
            self.price_audit.start()
        results: list[object] = list(await asyncio.gather(self.stores.get(), self.crosswalk.get(),
                                                          return_exceptions=True))
        # then, not beside them: its pages would compete with the crosswalk's for the back offices' first seconds
        results += await asyncio.gather(self.pos_articles.get(), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.warning("reference data not loaded at start-up: %s", result)

    async def stop(self) -> None:
        await asyncio.gather(self.price_audit.stop(), self.stores.stop(), self.crosswalk.stop(),
                             self.pos_articles.stop())

    def keep_pos_articles_fresh(self) -> None:
        """Called on each store stock read: refreshes the POS article index in the background once past its
        TTL; meanwhile the adapter still knows every article it indexed and looks up any other."""
        self.pos_articles.revalidate(POS_ARTICLES_RETRY_S)

    async def _load_stores(self) -> StoreIndex:
        return StoreIndex(await self._backends.store_directory.stores())

    async def _load_crosswalk(self) -> Crosswalk:
        erp, webshop = await asyncio.gather(self._backends.catalog.product_keys(),
                                            self._backends.online_catalog.product_keys(), return_exceptions=True)
        if isinstance(erp, BaseException):
            raise erp
        if isinstance(webshop, ConnectorError):
            log.warning("crosswalk built without the web shop: %s", webshop)
            return Crosswalk(erp, None, self._quality)
        if isinstance(webshop, BaseException):
            raise webshop
        return Crosswalk(erp, webshop, self._quality)
