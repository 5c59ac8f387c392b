"""The floor: each scenario's upstream calls issued directly, in dependency order, through the project's own
aiohttp connectors (no GraphQL, no loaders, no shared caches), as a hand-written BFF that knows every id from a
crosswalk would. What it answers is thrown away: only the wait counts. Its calls per request are the ideal
count: one per (system, kind of record, level), chunked by the APIs' batch limits."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.pos.adapter import PosAdapter
from gateway.backends import Backends, open_backends
from gateway.settings import load_settings
from simulators.world import World

from .draws import Draw
from .processes import gateway_environ

SEARCH_ALL = 10_000  # as searchProducts with `availableAt` reads a whole category
PAGE = 20
ACCESSORIES = 6
RECOMMENDED = 10


@dataclass(frozen=True)
class Crosswalk:
    """The ids a BFF would keep: sku -> GTIN and web shop id, and back."""

    gtin: dict[str, str]
    webshop_id: dict[str, str]
    sku_of_webshop_id: dict[str, str]
    sku_of_gtin: dict[str, str]

    @classmethod
    def of(cls, world: World) -> "Crosswalk":
        online = {p.sku: str(p.webshop_id) for p in world.products if p.webshop_id is not None}
        return cls({p.sku: p.gtin for p in world.products}, online, {v: k for k, v in online.items()},
                   {p.gtin: p.sku for p in world.products})


class Floor:
    """One coroutine per scenario, each awaiting its levels one after another and a level's calls together."""

    def __init__(self, backends: Backends, ids: Crosswalk) -> None:
        self.b = backends
        self.ids = ids
        self.scenarios: dict[str, Callable[[Draw], Awaitable[Any]]] = {
            "mobile_product_page": self.mobile_product_page, "kiosk_search": self.kiosk_search,
            "customer_360": self.customer_360, "partner_bulk": self.partner_bulk, "ten_products": self.ten_products}

    async def learn_variation_ids(self, skus: list[str]) -> None:
        """What Omnigate's crosswalk knows from the start: the POS item variation of every article."""
        pos = self.b.store_inventory
        assert isinstance(pos, PosAdapter)
        gtins = [self.ids.gtin[sku] for sku in skus]
        for start in range(0, len(gtins), 500):
            await pos.catalog.ids_of(gtins[start:start + 500])

    async def mobile_product_page(self, d: Draw) -> None:
        sku, gtin = d["sku"], self.ids.gtin[d["sku"]]
        web = [self.ids.webshop_id[sku]] if sku in self.ids.webshop_id else []
        _, _, relations, _, _, _ = await asyncio.gather(
            self.b.catalog.products([sku]), self.b.erp_pricing.prices([sku]), self.b.catalog.relations([sku]),
            self.b.pos_pricing.prices([gtin]), self.b.store_inventory.stock([(gtin, s) for s in d["nearest_stores"]]),
            self.b.online_catalog.products(web))
        accessories = [r.related_sku for r in relations[0]][:ACCESSORIES]
        if accessories:
            await asyncio.gather(self.b.catalog.products(accessories), self.b.erp_pricing.prices(accessories))

    async def kiosk_search(self, d: Draw) -> None:
        page = await self.b.catalog.search(None, d["category"], 0, SEARCH_ALL)
        pairs = [(self.ids.gtin[sku], d["store"]) for sku in page.skus if sku in self.ids.gtin]
        levels = await self.b.store_inventory.stock(pairs) if pairs else []
        sellable = {level.item for level in levels if level and level.sellable > 0}
        shown = [sku for sku in page.skus if self.ids.gtin.get(sku) in sellable][:PAGE]
        if shown:
            await asyncio.gather(self.b.catalog.products(shown), self.b.erp_pricing.prices(shown))

    async def customer_360(self, d: Draw) -> None:
        [customer], [receipts] = await asyncio.gather(self.b.customers.customers_by_card([d["card"]]),
                                                      self.b.receipts.receipts_of([d["card"]]))
        if customer is None:
            return
        web = [customer.webshop_customer_id] if customer.webshop_customer_id else []
        _, orders, wishlists = await asyncio.gather(
            self.b.customers.loyalty([customer.id]),
            self.b.web_orders.orders_of(web) if web else _nothing(),
            self.b.wishlists.wishlists(web) if web else _nothing())
        purchases = sorted([*receipts, *(orders[0] if orders else ())], key=lambda p: p.occurred_at,
                           reverse=True)[:PAGE]
        bought = list(dict.fromkeys(sku for p in purchases for line in p.lines
                                    if (sku := line.sku or self.ids.sku_of_gtin.get(line.gtin or ""))))
        wished = [self.ids.sku_of_webshop_id[e.product_id] for e in ((wishlists[0] or ()) if wishlists else ())
                  if e.product_id in self.ids.sku_of_webshop_id]
        _, relations = await asyncio.gather(self.b.catalog.products(list(dict.fromkeys(bought + wished))),
                                            self.b.catalog.relations(bought) if bought else _nothing())
        recommended = list(dict.fromkeys(r.related_sku for rs in relations for r in rs
                                         if r.related_sku not in bought))[:RECOMMENDED]
        if recommended:
            await asyncio.gather(self.b.catalog.products(recommended), self.b.erp_pricing.prices(recommended))

    async def partner_bulk(self, d: Draw) -> None:
        skus = d["skus"]
        gtins = [self.ids.gtin[sku] for sku in skus]
        await asyncio.gather(
            self.b.catalog.products(skus), self.b.erp_pricing.prices(skus), self.b.pos_pricing.prices(gtins),
            self.b.online_catalog.products([self.ids.webshop_id[s] for s in skus if s in self.ids.webshop_id]),
            self.b.store_inventory.stock([(g, s) for g in gtins for s in d["nearest_stores"]]))

    async def ten_products(self, d: Draw) -> None:
        skus = d["skus"]
        await asyncio.gather(self.b.catalog.products(skus), self.b.erp_pricing.prices(skus),
                             self.b.store_inventory.stock([(self.ids.gtin[s], d["store"]) for s in skus]))


async def _nothing() -> list[Any]:
    return []


@asynccontextmanager
async def floor(sim_url: str, world: World, folder: Path) -> AsyncIterator[Floor]:
    """The connectors configured as the gateway's are, on their own sessions, in this process."""
    settings = load_settings(gateway_environ(sim_url, folder / "keys.json", 0, {}))
    async with open_backends(settings) as backends:
        yield Floor(backends, Crosswalk.of(world))
