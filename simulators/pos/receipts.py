"""Till receipts as the POS keeps them: COMPLETED orders, generated from the world when first asked for.

A customer's receipts are a pure function of the seed, so they are built per
customer on demand and kept in a bounded cache; a store-wide search needs to
know which customers ever bought there, an index built once on first use.
"""

from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

from simulators.world import Receipt, World
from simulators.world.history import ANON_BASE, MAX_PER_CUSTOMER, receipt_id, unbase32

from .catalog import VARIATION_NAME, Catalog
from .wire import compact, money, rfc3339

Json = dict[str, Any]
CLOSE_AFTER = timedelta(minutes=2)  # a sale is paid and closed this long after it was rung up
SOURCE_NAME = "Square Point of Sale"
CACHED_CUSTOMERS = 8192
ORDER_VERSION = 4  # created, lines added, paid, closed
ANON_PER_STORE = 4096  # the world's id space for one store's anonymous sales


def instants(r: Receipt) -> dict[str, datetime]:
    """The order's created_at / updated_at / closed_at, the columns SearchOrders filters and sorts on."""
    closed = r.created + CLOSE_AFTER
    return {"created_at": r.created, "updated_at": closed, "closed_at": closed}


class Receipts:
    def __init__(self, world: World, catalog: Catalog) -> None:
        self.world = world
        self.catalog = catalog
        self._by_customer: OrderedDict[int, tuple[Receipt, ...]] = OrderedDict()
        self._anonymous: dict[str, tuple[Receipt, ...]] = {}
        self._visitors: dict[str, list[int]] | None = None
        self._sales: dict[str, Receipt] = {}  # rung up at a till since the simulator started

    def record_sale(self, receipt: Receipt) -> None:
        self._sales[receipt.id] = receipt

    def of_customer(self, index: int) -> tuple[Receipt, ...]:
        return self._history(index) + tuple(r for r in self._sales.values() if r.customer_index == index)

    def _history(self, index: int) -> tuple[Receipt, ...]:
        if index in self._by_customer:
            self._by_customer.move_to_end(index)
            return self._by_customer[index]
        receipts = self.world.history.receipts(self.world.customers[index])
        self._by_customer[index] = receipts
        if len(self._by_customer) > CACHED_CUSTOMERS:
            self._by_customer.popitem(last=False)
        return receipts

    def anonymous(self, code: str) -> tuple[Receipt, ...]:
        if code not in self._anonymous:
            self._anonymous[code] = self.world.history.anonymous_receipts(self.world.store_by_code[code])
        return self._anonymous[code]

    def at_store(self, code: str) -> list[Receipt]:
        """Every sale at one store: anonymous ones and those of the card holders who shopped there."""
        if code not in self.world.store_by_code:
            return []
        visitors = self._visitor_index().get(code, [])
        known = (r for c in visitors for r in self._history(c) if r.store_code == code)
        return [*self.anonymous(code), *known, *(r for r in self._sales.values() if r.store_code == code)]

    def by_id(self, order_id: str) -> Receipt | None:
        """Finds a receipt from its id alone: the world's ids encode the customer or the store."""
        if order_id in self._sales:
            return self._sales[order_id]
        n = unbase32(order_id[1:]) if order_id.startswith("R") else None
        if n is None or receipt_id(n) != order_id:
            return None
        pool: tuple[Receipt, ...] = ()
        if n >= ANON_BASE:
            store = (n - ANON_BASE) // ANON_PER_STORE
            pool = self.anonymous(self.world.stores[store].code) if store < len(self.world.stores) else ()
        elif (customer := n // MAX_PER_CUSTOMER) < len(self.world.customers):
            pool = self.of_customer(customer)
        return next((r for r in pool if r.id == order_id), None)

    def order_json(self, r: Receipt) -> Json:
        at = instants(r)
        customer = self.world.customers[r.customer_index] if r.customer_index is not None else None
        return compact({
            "id": r.id, "location_id": r.store_code,
            "customer_id": customer.pos_customer_id if customer else None,
            "source": {"name": SOURCE_NAME}, "state": "COMPLETED", "version": ORDER_VERSION,
            "created_at": rfc3339(at["created_at"]), "updated_at": rfc3339(at["updated_at"]),
            "closed_at": rfc3339(at["closed_at"]),
            "line_items": [self._line(r, n, line.product_index, line.quantity, line.unit_price)
                           for n, line in enumerate(r.lines)],
            "total_money": money(r.total), "total_tax_money": money(0), "total_discount_money": money(0),
            "total_tip_money": money(0), "total_service_charge_money": money(0),
        })

    def _line(self, r: Receipt, n: int, product_index: int, quantity: int, unit_price: int) -> Json:
        product = self.world.products[product_index]
        return {
            "uid": f"{r.id}-{n + 1}", "name": product.name, "quantity": str(quantity),
            "catalog_object_id": self.catalog.variation_by_product[product_index],
            "catalog_version": self.catalog.version, "variation_name": VARIATION_NAME, "item_type": "ITEM",
            "base_price_money": money(unit_price), "gross_sales_money": money(unit_price * quantity),
            "total_tax_money": money(0), "total_discount_money": money(0),
            "total_money": money(unit_price * quantity),
        }

    def _visitor_index(self) -> dict[str, list[int]]:
        if self._visitors is None:
            visitors: dict[str, set[int]] = {}
            for c in self.world.customers:
                for r in self.world.history.receipts(c):
                    visitors.setdefault(r.store_code, set()).add(c.index)
            self._visitors = {code: sorted(indexes) for code, indexes in visitors.items()}
        return self._visitors
