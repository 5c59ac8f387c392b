"""The per-request DataLoaders, one per (record, key), each calling one port method and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from connectors.domain import (
    Appointment,
    CustomerNote,
    CustomerRecord,
    Loyalty,
    OnlineProduct,
    Product,
    Purchase,
    Relation,
    ShownPrice,
    StockLevel,
    System,
    WishEntry,
)

from .base import Fetch, PortLoader
from .shared import SharedCaches

if TYPE_CHECKING:
    from ..backends import Backends

K = TypeVar("K")
V = TypeVar("V")



@dataclass(frozen=True)
class Loaders:
    product_by_sku: PortLoader[str, Product | None]
    category_name_by_code: PortLoader[str, str | None]
    relations_by_sku: PortLoader[str, tuple[Relation, ...]]
    erp_price_by_sku: PortLoader[str, ShownPrice | None]
    pos_price_by_gtin: PortLoader[str, ShownPrice | None]
    stock_by_gtin_and_store: PortLoader[tuple[str, str], StockLevel | None]
    online_product_by_id: PortLoader[str, OnlineProduct | None]
    wishlist_by_webshop_customer: PortLoader[str, tuple[WishEntry, ...] | None]
    customer_by_id: PortLoader[str, CustomerRecord | None]
    customer_by_card: PortLoader[str, CustomerRecord | None]
    customer_by_webshop_id: PortLoader[str, CustomerRecord | None]
    loyalty_by_customer: PortLoader[str, Loyalty | None]
    notes_by_customer: PortLoader[str, tuple[CustomerNote, ...]]
    web_orders_by_webshop_customer: PortLoader[str, tuple[Purchase, ...]]
    order_by_id: PortLoader[str, Purchase | None]
    receipts_by_card: PortLoader[str, tuple[Purchase, ...]]
    receipt_by_id: PortLoader[str, Purchase | None]
    appointment_by_id: PortLoader[str, Appointment | None]
    appointments_by_card: PortLoader[str, tuple[Appointment, ...]]


def build_loaders(b: Backends, shared: SharedCaches, max_keys: int = 0) -> Loaders:
    """Fresh per request. Catalog, prices and stock go through the cross-request caches; customer data
    does not: nothing of a customer's outlives the request or crosses principals. `max_keys` bounds every
    batch (`OMNIGATE_BATCH_MAX_KEYS`; 1: batching off)."""
    def port(name: str, system: System, fetch: Fetch[K, V], cache: str | None = None) -> PortLoader[K, V]:
        return PortLoader(name, system, fetch, cache, max_keys)

    return Loaders(
        product_by_sku=port("product_by_sku", System.ERP, shared.products.get_many, "products"),
        category_name_by_code=port("category_name_by_code", System.ERP, shared.category_names.get_many,
                                   "category_names"),
        relations_by_sku=port("relations_by_sku", System.ERP, shared.relations.get_many, "relations"),
        erp_price_by_sku=port("erp_price_by_sku", System.ERP, shared.erp_prices.get_many, "erp_prices"),
        pos_price_by_gtin=port("pos_price_by_gtin", System.POS, shared.pos_prices.get_many, "pos_prices"),
        stock_by_gtin_and_store=port("stock_by_gtin_and_store", System.POS, shared.stock.get_many, "stock"),
        online_product_by_id=port("online_product_by_id", System.WEBSHOP, shared.online_products.get_many,
                                  "online_products"),
        wishlist_by_webshop_customer=port("wishlist_by_webshop_customer", System.WEBSHOP,
                                          b.wishlists.wishlists),
        customer_by_id=port("customer_by_id", System.CRM, b.customers.customers),
        customer_by_card=port("customer_by_card", System.CRM, b.customers.customers_by_card),
        customer_by_webshop_id=port("customer_by_webshop_id", System.CRM, b.customers.customers_by_webshop_id),
        loyalty_by_customer=port("loyalty_by_customer", System.CRM, b.customers.loyalty),
        notes_by_customer=port("notes_by_customer", System.CRM, b.customers.notes),
        web_orders_by_webshop_customer=port("web_orders_by_webshop_customer", System.WEBSHOP,
                                            b.web_orders.orders_of),
        order_by_id=port("order_by_id", System.WEBSHOP, b.web_orders.orders),
        receipts_by_card=port("receipts_by_card", System.POS, b.receipts.receipts_of),
        receipt_by_id=port("receipt_by_id", System.POS, b.receipts.receipts_by_id),
        appointment_by_id=port("appointment_by_id", System.POS, b.appointments.appointments),
        appointments_by_card=port("appointments_by_card", System.POS, b.appointments.appointments_of),
    )
