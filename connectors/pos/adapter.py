"""The POS connector: Square API v2 behind Health, Pricing, StoreDirectory, StoreInventory, StoreSales,
StoreReturns, Receipts, Appointments, AppointmentBookings; `webhooks` serves KeyedSubscriptions and EventHistory.

Article keys at the POS are GTINs (Square's `upc`) and store codes are
location ids; Square's own catalog and customer ids never leave this package.
"""

import asyncio
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import aiohttp

from connectors.domain import (
    Appointment,
    NewBooking,
    Purchase,
    Sale,
    ShownPrice,
    StockLevel,
    StockPage,
    Store,
    System,
)
from connectors.resilience.policy import DEFAULT_RESILIENCE, Resilience
from connectors.resilience.snapshot import UpstreamHealth

from . import to_domain
from .booking_reader import BookingReader
from .booking_writer import BookingWriter
from .card_lookup import CardLookup
from .catalog_index import CatalogIndex
from .events import SquareEvents
from .receipt_reader import ReceiptReader
from .square_client import Json, SquareClient, chunked, gather_map, objects
from .webhooks import SquareWebhooks

LOCATIONS_PATH = "/v2/locations"
COUNTS_PATH = "/v2/inventory/counts/batch-retrieve"
COUNTS_MAX_IDS = 1000  # undocumented by Square; the sheet's choice, the simulator refuses more
COUNTS_PAGE_LIMIT = 1000
CHANGES_PATH = "/v2/inventory/changes/batch-create"
CHANGES_MAX = 100  # documented until 2020, unstated since: the sheet chunks at 100
STOCK_STATES = [to_domain.IN_STOCK, to_domain.RESERVED]
SOLD = "SOLD"
LOCATIONS_TTL_S = 300.0  # stores open and close rarely; receipts need every location id on each call

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PosAdapter:
    system = System.POS

    def __init__(self, api: SquareClient, clock: Clock = _utcnow) -> None:
        self.api = api
        self.catalog = CatalogIndex(api)
        self.events = SquareEvents(self.catalog)  # what Square pushes, read with the same catalog index
        self.clock = clock
        self._locations: tuple[float, list[Json]] | None = None
        self._locations_lock = asyncio.Lock()
        cards = CardLookup(api)
        self.receipts = ReceiptReader(api, self.catalog, cards, self._location_ids)
        self.bookings = BookingReader(api, self.catalog, cards)
        self.booking_writer = BookingWriter(api, cards, self.bookings)
        self.webhooks = SquareWebhooks(api)  # KeyedSubscriptions and EventHistory

    @classmethod
    def connect(cls, session: aiohttp.ClientSession, base_url: str, token: str, *, timeout_s: float = 2.0,
                clock: Clock = _utcnow, resilience: Resilience = DEFAULT_RESILIENCE) -> "PosAdapter":
        """`clock` only sets "now" for appointments_of's window (tests run against a world with its own date)."""
        return cls(SquareClient.open(session, base_url, token, timeout_s, resilience), clock)

    async def check(self) -> None:
        await self.api.get(LOCATIONS_PATH)

    def health_snapshot(self) -> UpstreamHealth:
        return self.api.upstream.health_snapshot()

    # -- StoreDirectory

    async def stores(self) -> list[Store]:
        return [to_domain.store(location) for location in await self._list_locations()
                if isinstance(location.get("id"), str)]

    # -- Pricing

    async def prices(self, keys: Sequence[str]) -> list[ShownPrice | None]:
        found = await self.catalog.search_gtins(keys)
        return [to_domain.shown_price(found[key]) if key in found else None for key in keys]

    # -- StoreInventory

    async def index_articles(self) -> frozenset[str]:
        """Learns every article's variation id now, so later stock reads skip the catalog search."""
        return await self.catalog.preload()

    async def stock(self, pairs: Sequence[tuple[str, str]]) -> list[StockLevel | None]:
        """Counts of the asked variations at the asked stores; a pair with no count is not carried there."""
        ids = await self.catalog.ids_of([gtin for gtin, _ in pairs])
        stores = list(dict.fromkeys(code for _, code in pairs))
        counts = await self._counts(list(dict.fromkeys(ids.values())), stores) if ids else []
        by_pair: dict[tuple[str, str], list[Json]] = defaultdict(list)
        for count in counts:
            by_pair[(str(count.get("catalog_object_id")), str(count.get("location_id")))].append(count)
        return [to_domain.stock_level(gtin, code, by_pair.get((ids[gtin], code), ())) if gtin in ids else None
                for gtin, code in pairs]

    async def stock_in_store(self, store_code: str) -> list[StockLevel]:
        counts = await self.api.read_all(COUNTS_PATH, self._counts_body(None, [store_code]), "counts")
        by_variation: dict[str, list[Json]] = defaultdict(list)
        for count in counts:
            if count.get("location_id") == store_code:
                by_variation[str(count.get("catalog_object_id"))].append(count)
        variations = await self.catalog.variations(by_variation)
        levels = (to_domain.stock_level(v.gtin, store_code, by_variation[v.id])
                  for v in variations.values() if v.gtin is not None and not v.deleted)  # no till sells those
        return sorted((level for level in levels if level is not None and level.sellable > 0),
                      key=lambda level: level.item)

    async def counts_page(self, store_codes: Sequence[str], updated_after: datetime | None,
                          cursor: str | None) -> StockPage:
        """IN_STOCK counts only (the sellable figure), 1,000 a page, newest first; a variation no till sells
        (no GTIN, deleted) is left out of the page."""
        body: Json = {"location_ids": list(store_codes), "states": [to_domain.IN_STOCK], "limit": COUNTS_PAGE_LIMIT}
        if updated_after is not None:
            body["updated_after"] = updated_after.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if cursor is not None:
            body["cursor"] = cursor
        answer = await self.api.read(COUNTS_PATH, body)
        counts = objects(answer, "counts")
        gtins = await self.catalog.gtins_of(str(c.get("catalog_object_id")) for c in counts)
        levels = (to_domain.stock_level(gtins[i], str(c.get("location_id")), [c])
                  for c in counts if (i := str(c.get("catalog_object_id"))) in gtins)
        following = answer.get("cursor")
        return StockPage(tuple(level for level in levels if level is not None),
                         following if isinstance(following, str) and following else None)

    async def _counts(self, variation_ids: list[str], stores: list[str]) -> list[Json]:
        pages = await gather_map(chunked(variation_ids, COUNTS_MAX_IDS),
                                 lambda chunk: self.api.read_all(COUNTS_PATH, self._counts_body(chunk, stores),
                                                                 "counts"))
        return [count for page in pages for count in page]

    @staticmethod
    def _counts_body(variation_ids: Sequence[str] | None, stores: list[str]) -> Json:
        body: Json = {"location_ids": stores, "states": STOCK_STATES, "limit": COUNTS_PAGE_LIMIT}
        if variation_ids is not None:
            body["catalog_object_ids"] = list(variation_ids)
        return body

    # -- StoreSales

    async def record_sales(self, sales: Sequence[Sale]) -> list[bool]:
        """IN_STOCK to SOLD adjustments, the sale as Square's Inventory API records one (RESERVED_FOR_SALE is
        read-only there, so nothing was reserved at the POS); 100 changes a call, one key per call."""
        return await self._adjust(sales, to_domain.IN_STOCK, SOLD)

    # -- StoreReturns

    async def record_returns(self, returns: Sequence[Sale]) -> list[bool]:
        """SOLD to IN_STOCK adjustments: units brought back to the store can be sold again there."""
        return await self._adjust(returns, SOLD, to_domain.IN_STOCK)

    async def _adjust(self, sales: Sequence[Sale], from_state: str, to_state: str) -> list[bool]:
        """One adjustment per known article, 100 a call under one key (the sale's own when alone, else a digest
        of the chunk's keys, so a retry of the same batch is the same call); False for unknown GTINs."""
        ids = await self.catalog.ids_of([s.gtin for s in sales])
        known = [s for s in sales if s.gtin in ids]
        for chunk in chunked(known, CHANGES_MAX):
            key = chunk[0].key if len(chunk) == 1 else hashlib.sha256(
                "\n".join(s.key for s in chunk).encode()).hexdigest()
            await self.api.write(CHANGES_PATH, {"idempotency_key": key, "changes": [
                {"type": "ADJUSTMENT", "adjustment": {
                    "reference_id": s.reference, "from_state": from_state, "to_state": to_state,
                    "location_id": s.store_code, "catalog_object_id": ids[s.gtin], "quantity": str(s.quantity),
                    "occurred_at": s.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z")}}
                for s in chunk]})
        return [s.gtin in ids for s in sales]

    # -- Receipts

    async def receipts_of(self, cards: Sequence[str]) -> list[tuple[Purchase, ...]]:
        return await self.receipts.receipts_of(cards)

    async def receipts_by_id(self, ids: Sequence[str]) -> list[Purchase | None]:
        return await self.receipts.receipts(ids)

    # -- Appointments

    async def appointments_of(self, cards: Sequence[str]) -> list[tuple[Appointment, ...]]:
        return await self.bookings.appointments_of(cards, self.clock())

    async def appointments(self, ids: Sequence[str]) -> list[Appointment | None]:
        return await self.bookings.appointments(ids)

    async def appointments_at(self, store_codes: Sequence[str], start: datetime,
                              end: datetime) -> list[Appointment]:
        return await self.bookings.appointments_at(store_codes, start, end)

    # -- AppointmentBookings

    async def book(self, booking: NewBooking) -> Appointment | None:
        return await self.booking_writer.book(booking)

    async def cancel(self, appointment_id: str, key: str) -> Appointment | None:
        return await self.booking_writer.cancel(appointment_id, key)

    # -- locations, cached for the receipts' SearchOrders calls

    async def _list_locations(self) -> list[Json]:
        locations = objects(await self.api.get(LOCATIONS_PATH), "locations")
        self._locations = (time.monotonic(), locations)
        return locations

    async def _location_ids(self) -> list[str]:
        async with self._locations_lock:
            if self._locations is None or time.monotonic() - self._locations[0] > LOCATIONS_TTL_S:
                await self._list_locations()
            assert self._locations is not None
            return [str(location["id"]) for location in self._locations[1] if isinstance(location.get("id"), str)]
