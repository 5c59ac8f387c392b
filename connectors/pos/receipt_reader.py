"""Till receipts by loyalty card: customers by reference_id, their COMPLETED orders at every store, line GTINs.

SearchOrders insists on naming locations (at most 10) and takes at most 10
customer ids, so one batch of cards becomes (customer chunks x location chunks)
searches, all run at once; three round trips in a row in total (customers and
locations together, orders, catalog).
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from itertools import product

from connectors.domain import Purchase

from . import to_domain
from .card_lookup import CardLookup
from .catalog_index import CatalogIndex
from .square_client import Json, SquareClient, chunked, gather_map, objects

ORDERS_PATH = "/v2/orders/search"
RETRIEVE_PATH = "/v2/orders/batch-retrieve"
RETRIEVE_MAX_IDS = 100  # BatchRetrieveOrders order_ids
MAX_LOCATIONS = 10  # SearchOrders location_ids
MAX_CUSTOMERS = 10  # SearchOrders customer_filter.customer_ids
ORDERS_PAGE_LIMIT = 1000

LocationIds = Callable[[], Awaitable[list[str]]]


class ReceiptReader:
    def __init__(self, api: SquareClient, catalog: CatalogIndex, cards: CardLookup,
                 location_ids: LocationIds) -> None:
        self.api = api
        self.cards = cards
        self.catalog = catalog
        self.location_ids = location_ids

    async def receipts_of(self, cards: Sequence[str]) -> list[tuple[Purchase, ...]]:
        if not cards:
            return []
        ids_by_card, locations = await asyncio.gather(self.cards.customer_ids_by_card(cards), self.location_ids())
        customers = list(dict.fromkeys(c for ids in ids_by_card.values() for c in ids))
        by_customer = await self._receipts_by_customer(customers, locations) if customers and locations else {}
        return [_newest_first(r for customer in ids_by_card[card] for r in by_customer.get(customer, ()))
                for card in cards]

    async def receipts(self, ids: Sequence[str]) -> list[Purchase | None]:
        """By order id, aligned; None for an unknown id or an order that is not a completed sale."""
        pages = await gather_map(chunked(list(dict.fromkeys(ids)), RETRIEVE_MAX_IDS), self._retrieve)
        found = {r.id: r for r in await self._to_receipts([o for page in pages for o in page])}
        return [found.get(i) for i in ids]

    async def _retrieve(self, ids: Sequence[str]) -> list[Json]:
        return objects(await self.api.read(RETRIEVE_PATH, {"order_ids": list(ids)}), "orders")

    async def _receipts_by_customer(self, customers: list[str], locations: list[str]) -> dict[str, list[Purchase]]:
        pairs = list(product(chunked(customers, MAX_CUSTOMERS), chunked(locations, MAX_LOCATIONS)))
        pages = await gather_map(pairs, lambda pair: self._search(*pair))
        by_customer: dict[str, list[Purchase]] = {}
        for receipt in await self._to_receipts([o for page in pages for o in page]):
            if receipt.customer_id is not None:
                by_customer.setdefault(receipt.customer_id, []).append(receipt)
        return by_customer

    async def _to_receipts(self, orders: list[Json]) -> list[Purchase]:
        """Completed orders as receipts, each line's article looked up in the catalog (one call per 1,000)."""
        unique = [o for o in {o["id"]: o for o in orders if isinstance(o.get("id"), str)}.values()
                  if o.get("state") == "COMPLETED"]
        variation_ids = (str(line["catalog_object_id"]) for order in unique for line in objects(order, "line_items")
                         if isinstance(line.get("catalog_object_id"), str))
        variations = await self.catalog.variations(variation_ids)
        return [r for r in (to_domain.receipt(order, variations) for order in unique) if r is not None]

    async def _search(self, customers: Sequence[str], locations: Sequence[str]) -> list[Json]:
        body = {"location_ids": list(locations), "limit": ORDERS_PAGE_LIMIT,
                "query": {"filter": {"customer_filter": {"customer_ids": list(customers)},
                                     "state_filter": {"states": ["COMPLETED"]}},
                          "sort": {"sort_field": "CLOSED_AT", "sort_order": "DESC"}}}
        return await self.api.read_all(ORDERS_PATH, body, "orders")


def _newest_first(receipts: Iterable[Purchase]) -> tuple[Purchase, ...]:
    unique = {r.id: r for r in receipts}
    return tuple(sorted(unique.values(), key=lambda r: (r.occurred_at, r.id), reverse=True))
