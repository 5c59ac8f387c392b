"""The cross-request caches in front of the ports whose answers are the same for everyone."""

from __future__ import annotations

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


def build_shared_caches(b: Backends, settings: Settings) -> SharedCaches:
    catalog, prices, stock = settings.catalog_ttl_s, settings.price_ttl_s, settings.stock_ttl_s
    return SharedCaches(
        products=KeyedCache(System.ERP.value, counted(b.catalog.products), catalog),
        category_names=KeyedCache(System.ERP.value, counted(b.catalog.category_names), catalog),
        relations=KeyedCache(System.ERP.value, counted(b.catalog.relations), catalog),
        erp_prices=KeyedCache(System.ERP.value, counted(b.erp_pricing.prices), prices),
        pos_prices=KeyedCache(System.POS.value, counted(b.pos_pricing.prices), prices),
        online_products=KeyedCache(System.WEBSHOP.value, counted(b.online_catalog.products), stock),
        stock=KeyedCache(System.POS.value, counted(b.store_inventory.stock), stock),
    )
