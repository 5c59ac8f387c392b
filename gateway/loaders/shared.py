"""The cross-request caches in front of the ports whose answers are the same for everyone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from connectors.domain import OnlineProduct, Product, Relation, ShownPrice, StockLevel, System

from ..cache import KeyedCache
from ..settings import Settings
from .base import counted

if TYPE_CHECKING:
    from ..backends import Backends


@dataclass(frozen=True)
class SharedCaches:
    products: KeyedCache[str, Product | None]
    category_names: KeyedCache[str, str | None]
    relations: KeyedCache[str, tuple[Relation, ...]]
    erp_prices: KeyedCache[str, ShownPrice | None]
    pos_prices: KeyedCache[str, ShownPrice | None]
    online_products: KeyedCache[str, OnlineProduct | None]  # web shop price and stock: the stock TTL
    stock: KeyedCache[tuple[str, str], StockLevel | None]


def build_shared_caches(b: Backends, settings: Settings, clock: Callable[[], float]) -> SharedCaches:
    """Each kind with its TTL and how long past it its last answer may be served stale; ages on `clock`."""
    catalog = (settings.catalog_ttl_s, settings.stale_reference_s)
    prices = (settings.price_ttl_s, settings.price_stale_bound_s)
    stock = (settings.stock_ttl_s, settings.stale_stock_s)
    return SharedCaches(
        products=KeyedCache(System.ERP.value, counted(b.catalog.products), *catalog, clock=clock),
        category_names=KeyedCache(System.ERP.value, counted(b.catalog.category_names), *catalog, clock=clock),
        relations=KeyedCache(System.ERP.value, counted(b.catalog.relations), *catalog, clock=clock),
        erp_prices=KeyedCache(System.ERP.value, counted(b.erp_pricing.prices), *prices, clock=clock),
        pos_prices=KeyedCache(System.POS.value, counted(b.pos_pricing.prices), *prices, clock=clock),
        online_products=KeyedCache(System.WEBSHOP.value, counted(b.online_catalog.products), *stock, clock=clock),
        stock=KeyedCache(System.POS.value, counted(b.store_inventory.stock), *stock, clock=clock),
    )
