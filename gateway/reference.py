"""Reference data shared by every request: the store index, the product crosswalk, the keyed caches.

With replicas on one Redis (`SharedState`), the keyed caches get their second level there and the store
directory and the catalogs' keys behind the crosswalk are loaded once for every replica, each with its age.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from connectors.domain import Store, System
from connectors.errors import ConnectorError

from .availability import AvailabilityIndex, SearchCandidates, Tuning
from .cache import Aged, Refreshing
from .clock import Clock, seconds, utc_now
from .crosswalk import Crosswalk, DataQualityLog
from .geo import StoreIndex
from .loaders.shared import build_shared_caches
from .prices.index import PriceAuditIndex
from .settings import Settings
from .shared import SharedState

STORES_TTL_S = 300.0
CROSSWALK_TTL_S = 600.0
PARTIAL_CROSSWALK_TTL_S = 15.0
POS_ARTICLES_TTL_S = 600.0  # like the crosswalk: the POS catalog changes when articles are added or delisted
POS_ARTICLES_RETRY_S = 15.0
log = logging.getLogger("omnigate.reference")

T = TypeVar("T")
ERP_KEYS, WEBSHOP_KEYS = "erp-product-keys", "webshop-product-keys"
ErpKeys = list[tuple[str, str | None]]
WebshopKeys = list[tuple[str, str]]

if TYPE_CHECKING:
    from .backends import Backends


class ReferenceData:
    def __init__(self, backends: Backends, settings: Settings, clock: Clock = utc_now,
                 shared: SharedState | None = None) -> None:
        """`clock` dates what is fetched, for TTLs and the ages of stale answers; `shared`: the replicas' Redis."""
        self._backends = backends
        self._shared = shared
        now = seconds(clock)
        self.caches = build_shared_caches(backends, settings, now)
        if shared is not None:
            shared.share_caches(self.caches)
        self._quality = DataQualityLog()
        stale_s = settings.stale_reference_s
        self.stores: Refreshing[StoreIndex] = Refreshing("store index", System.POS.value, self._load_stores,
                                                         STORES_TTL_S, stale_s, now)
        self.crosswalk: Refreshing[Crosswalk] = Refreshing(
            "crosswalk", System.ERP.value, self._load_crosswalk,
            lambda c: CROSSWALK_TTL_S if c.webshop_known else PARTIAL_CROSSWALK_TTL_S, stale_s, now)
        # GTINs the POS sells; loading it teaches the POS adapter each one's item id (which never leaves the
        # adapter), so store stock is one call, in the same level as the ERP product
        self.pos_articles = Refreshing("POS article index", System.POS.value,
                                       backends.store_inventory.index_articles, POS_ARTICLES_TTL_S, stale_s, now)
        self.price_audit = PriceAuditIndex(backends, self.crosswalk, settings.price_audit_refresh_s)
        self._audit_at_start = settings.price_audit_at_start
        # which stores can sell which articles, for stock-filtered reads (gateway/availability/)
        self.availability = AvailabilityIndex(backends, self.crosswalk, self.stores, self.pos_articles, Tuning(
            settings.availability_check_s, settings.availability_reads_at_once, settings.availability_reads_per_s),
            clock)
        self.search_candidates = SearchCandidates(settings.catalog_ttl_s)
        self._availability_at_start = settings.availability_at_start

    async def warm(self) -> None:
        """Loads the store index, the crosswalk and the POS article index at start-up so the first request does
        not pay for them; failures wait for first use. The price-audit and availability indexes start building in
        the background too (unless they wait for their first use)."""
        if self._audit_at_start:
            self.price_audit.start()
        if self._availability_at_start:
            self.availability.start()
        results: list[object] = list(await asyncio.gather(self.stores.get(), self.crosswalk.get(),
                                                          return_exceptions=True))
        # then, not beside them: its pages would compete with the crosswalk's for the back offices' first seconds
        results += await asyncio.gather(self.pos_articles.get(), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.warning("reference data not loaded at start-up: %s", result)

    async def stop(self) -> None:
        await asyncio.gather(self.price_audit.stop(), self.availability.stop(), self.stores.stop(),
                             self.crosswalk.stop(), self.pos_articles.stop())

    def listing_changed(self, system: System, here: bool) -> None:
        """`system` added or removed articles: the crosswalk is built again on next use; `here` (the replica
        that heard it from the system) also forgets Redis' copy of that system's keys, for every replica."""
        if here and self._shared is not None and system in (System.ERP, System.WEBSHOP):
            self._shared.values.forget(ERP_KEYS if system is System.ERP else WEBSHOP_KEYS)
        self.crosswalk.expire()

    def keep_pos_articles_fresh(self) -> None:
        """Called on each store stock read: refreshes the POS article index in the background once past its
        TTL; meanwhile the adapter still knows every article it indexed and looks up any other."""
        self.pos_articles.revalidate(POS_ARTICLES_RETRY_S)

    async def _load_stores(self) -> Aged[StoreIndex]:
        stores, age = await self._through("stores", list[Store], STORES_TTL_S,
                                          self._backends.store_directory.stores)
        return Aged(StoreIndex(stores), age)

    async def _load_crosswalk(self) -> Aged[Crosswalk]:
        erp, webshop = await asyncio.gather(
            self._through(ERP_KEYS, ErpKeys, CROSSWALK_TTL_S, self._backends.catalog.product_keys),
            self._through(WEBSHOP_KEYS, WebshopKeys, CROSSWALK_TTL_S,
                          self._backends.online_catalog.product_keys), return_exceptions=True)
        if isinstance(erp, BaseException):
            raise erp
        if isinstance(webshop, ConnectorError):
            log.warning("crosswalk built without the web shop: %s", webshop)
            return Aged(Crosswalk(erp[0], None, self._quality), erp[1])
        if isinstance(webshop, BaseException):
            raise webshop
        return Aged(Crosswalk(erp[0], webshop[0], self._quality), max(erp[1], webshop[1]))

    async def _through(self, name: str, value_type: Any, ttl_s: float, load: Callable[[], Awaitable[T]]) \
            -> tuple[T, float]:
        """`load()`'s answer, or the one another replica stored, with its age in seconds."""
        if self._shared is None:
            return await load(), 0.0
        return await self._shared.values.through(name, value_type, ttl_s, load)
