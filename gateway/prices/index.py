"""The price-audit index: every listed article whose systems disagree on its price, held in memory.

Built in the background once the gateway starts (or on the first audit, when `price_audit_at_start` is
off) and rebuilt every `price_audit_refresh_s`, which stays within the price TTL, so `priceDiscrepancies`
answers a page from memory and never scans the back offices on the request path. Each build reads the
crosswalk's skus, then the catalog records, the ERP's reference prices, the POS's catalog prices and the
web shop's products, each in slices of its API's batch size, `READS_AT_ONCE` at a time per system.

Incremental where the APIs allow: the web shop lists the products changed since a moment
(`modified_after`), so between full reads only those are read again; a full read every `FULL_EVERY`
builds catches what changes without a write (a scheduled sale starting, a product deleted). The catalog
records (names, delisting) are read whole on those full builds too, within the catalog TTL at the default
settings, and in between only for skus new to the crosswalk. The ERP's pricing condition records and the
POS's catalog search offer no "changed since" filter in the sheets we follow (Square's `begin_time` is
not in ours), so the prices there are read whole on every build.

A build is all or nothing: when a system fails, the last complete index keeps serving (its `indexedAt`
says how old it is) and the next build is tried after `RETRY_AFTER_S`. Until a first build completes the
audit answers honestly: empty, with a `WARMING_UP` error, or the failing system's `UPSTREAM_UNAVAILABLE`.
No gateway mutation changes a price today; one that does must call `refresh()` after its write.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from connectors.domain import OnlineProduct, Product, ShownPrice, System
from connectors.errors import ConnectorError, UpstreamUnavailable

from ..cache import Refreshing
from ..clock import Clock, utc_now
from ..crosswalk import Crosswalk

if TYPE_CHECKING:
    from ..backends import Backends

log = logging.getLogger("omnigate.price_audit")
K = TypeVar("K")
V = TypeVar("V")

READS_AT_ONCE = 4  # concurrent upstream reads per system while building: a build never crowds out requests
ERP_SLICE = 50  # keys per call: the ERP adapter's keys per $filter
POS_SLICE = 250  # SearchCatalogObjects set_query values
WEBSHOP_SLICE = 100  # WooCommerce per_page / include
FULL_EVERY = 6  # builds between two full reads of the web shop and the catalog: 300 s at the default 50 s
MODIFIED_MARGIN = timedelta(seconds=5)  # `modified_after` is asked from a bit before the last read began
RETRY_AFTER_S = 5.0  # after a failed build, the next try


@dataclass(frozen=True, slots=True)
class Discrepancy:
    product: Product
    expected: ShownPrice
    shown: tuple[ShownPrice, ...]  # the ERP's first, then each other system's that holds a price


@dataclass(frozen=True)
class AuditSnapshot:
    """One complete build, sorted by sku; never changed once built."""

    entries: tuple[Discrepancy, ...]
    indexed_at: datetime
    _skus: tuple[str, ...] = ()

    @classmethod
    def of(cls, entries: Sequence[Discrepancy], indexed_at: datetime) -> AuditSnapshot:
        ordered = tuple(sorted(entries, key=lambda d: d.product.sku))
        return cls(ordered, indexed_at, tuple(d.product.sku for d in ordered))

    def after(self, sku: str | None) -> int:
        """The position of the first entry past `sku`: a cursor keeps its place across rebuilds."""
        return 0 if sku is None else bisect.bisect_right(self._skus, sku)


class PriceAuditIndex:
    def __init__(self, backends: Backends, crosswalk: Refreshing[Crosswalk], refresh_s: float,
                 clock: Clock = utc_now) -> None:
        self._backends = backends
        self._crosswalk = crosswalk
        self._refresh_s = refresh_s
        self._clock = clock
        self.snapshot: AuditSnapshot | None = None
        self.failure: ConnectorError | None = None  # the last build's, until one succeeds
        self._online: dict[str, OnlineProduct | None] = {}  # web shop product id -> its record
        self._products: dict[str, Product | None] = {}  # sku -> its catalog record
        self._online_read_at: datetime | None = None
        self._builds = 0
        self._building: asyncio.Task[AuditSnapshot] | None = None
        self._loop: asyncio.Task[None] | None = None
        self._settled = asyncio.Event()  # set once the first build has succeeded or failed

    @property
    def started(self) -> bool:
        return self._loop is not None

    def start(self) -> None:
        """Builds now and every `refresh_s` after, in the background; starting twice changes nothing."""
        if self._loop is None:
            self._loop = asyncio.create_task(self._keep_fresh(), name="price audit index")

    async def settled(self) -> None:
        """Returns once the first build has succeeded or failed (starting it if need be)."""
        self.start()
        await self._settled.wait()

    async def stop(self) -> None:
        for task in (self._loop, self._building):
            if task is not None:
                task.cancel()
        await asyncio.gather(*(t for t in (self._loop, self._building) if t is not None), return_exceptions=True)

    async def refresh(self) -> AuditSnapshot:
        """One build now (joining one in flight); raises ConnectorError when a system fails."""
        if self._building is None or self._building.done():
            self._building = asyncio.create_task(self._build())
        return await asyncio.shield(self._building)

    async def _keep_fresh(self) -> None:
        while True:
            try:
                await self.refresh()
                delay = self._refresh_s
            except ConnectorError as error:
                delay = min(self._refresh_s, RETRY_AFTER_S)
                log.warning("price audit index not refreshed: %s", error)
            except Exception:  # a bug: logged, and tried again rather than leaving the audit warming for good
                delay = min(self._refresh_s, RETRY_AFTER_S)
                log.exception("price audit index not refreshed")
            await asyncio.sleep(delay)

    async def _build(self) -> AuditSnapshot:
        try:
            snapshot = await self._read_all()
            self.snapshot, self.failure = snapshot, None
            return snapshot
        except ConnectorError as error:
            self.failure = error
            raise
        finally:
            self._settled.set()  # a bug too: whoever waits for the first build is not left waiting

    async def _read_all(self) -> AuditSnapshot:
        crosswalk = await self._crosswalk.get()
        if not crosswalk.webshop_known:  # read without the web shop; its next read comes within 15 s
            raise UpstreamUnavailable(System.WEBSHOP.value, "the web shop's product listing could not be read")
        started = self._clock()
        skus = list(crosswalk.skus)
        gtins = [crosswalk.gtin_of[s] for s in skus if s in crosswalk.gtin_of]
        shop_ids = [crosswalk.webshop_id_of[s] for s in skus if s in crosswalk.webshop_id_of]
        b = self._backends
        full = self._builds % FULL_EVERY == 0
        _, erp, pos, _ = await asyncio.gather(
            self._read_products(skus, full), _sliced(skus, ERP_SLICE, b.erp_pricing.prices),
            _sliced(gtins, POS_SLICE, b.pos_pricing.prices), self._read_online(shop_ids, started, full))
        products = self._products
        found = []
        for sku in skus:
            product, reference = products.get(sku), erp.get(sku)
            if product is None or product.delisted or reference is None:
                continue
            gtin, shop_id = crosswalk.gtin_of.get(sku), crosswalk.webshop_id_of.get(sku)
            online = self._online.get(shop_id) if shop_id else None
            others = (pos.get(gtin) if gtin else None, online.price if online else None)
            shown = (reference, *(s for s in others if s is not None))
            if any(s.amount.amount != reference.amount.amount for s in shown):
                found.append(Discrepancy(product, reference, shown))
        self._builds += 1
        return AuditSnapshot.of(found, started)

    async def _read_products(self, skus: list[str], full: bool) -> None:
        """The catalog records: all of them on a full build, else those of skus not read yet."""
        if full:
            self._products = await _sliced(skus, ERP_SLICE, self._backends.catalog.products)
        else:
            self._products.update(await _sliced([s for s in skus if s not in self._products], ERP_SLICE,
                                                self._backends.catalog.products))

    async def _read_online(self, shop_ids: list[str], started: datetime, full: bool) -> None:
        """The web shop's products: all of them now and then, else those changed since the last read."""
        since = self._online_read_at
        if since is None or full:
            self._online = await _sliced(shop_ids, WEBSHOP_SLICE, self._backends.online_catalog.products)
        else:
            changed = await self._backends.online_catalog.changed_since(since - MODIFIED_MARGIN)
            self._online.update(changed)
        self._online_read_at = started


async def _sliced(keys: Sequence[K], size: int, read: Callable[[Sequence[K]], Awaitable[list[V]]]) -> dict[K, V]:
    """Every key's answer, read `size` keys a call, READS_AT_ONCE calls at a time."""
    gate = asyncio.Semaphore(READS_AT_ONCE)
    unique = list(dict.fromkeys(keys))

    async def one(chunk: Sequence[K]) -> list[V]:
        async with gate:
            return await read(chunk)

    chunks = [unique[i:i + size] for i in range(0, len(unique), size)]
    answers = await asyncio.gather(*(one(c) for c in chunks))
    return {key: value for chunk, answer in zip(chunks, answers, strict=True)
            for key, value in zip(chunk, answer, strict=True)}
