"""Loyalty cards <-> Square customer ids: the CRM's card number lives in `Customer.reference_id` (sheet's choice).

A card normally names one customer, but Square does not enforce unique
reference ids, so every customer carrying the card is kept. Receipts and
appointments of one request ask for the same cards at the same moment: a
search already in flight for a card is joined, not repeated. The other way,
a booking names its customer by id only, so its card is read with the
customer (BulkRetrieveCustomers, Square's batch of RetrieveCustomer).
"""

import asyncio
from collections.abc import Iterable, Sequence

from ..resilience import deadline
from .square_client import Json, SquareClient, chunked, gather_map

SEARCH_PATH = "/v2/customers/search"
SEARCH_PAGE_LIMIT = 100  # SearchCustomers refuses more
BULK_RETRIEVE_PATH = "/v2/customers/bulk-retrieve"
BULK_RETRIEVE_MAX_IDS = 100  # BulkRetrieveCustomers customer_ids: 1 to 100


class CardLookup:
    def __init__(self, api: SquareClient) -> None:
        self.api = api
        self._inflight: dict[str, asyncio.Task[tuple[str, ...]]] = {}

    async def customer_ids_by_card(self, cards: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """One exact reference_id search per distinct card not already being searched; unknown cards map to ()."""
        distinct = list(dict.fromkeys(cards))
        tasks = [self._inflight.get(card) or self._start(card) for card in distinct]
        return dict(zip(distinct, await deadline.wait_shared(asyncio.gather(*tasks), self.api.system), strict=True))

    async def cards_of(self, customer_ids: Iterable[str]) -> dict[str, str]:
        """Customer id -> card, one BulkRetrieveCustomers per 100 distinct ids, run at once; no ids, no call.

        An unknown (deleted) customer or one without a card is left out: their bookings show no card.
        """
        chunks = chunked(list(dict.fromkeys(customer_ids)), BULK_RETRIEVE_MAX_IDS)
        found: dict[str, str] = {}
        for answer in await gather_map(chunks, lambda ids: self.api.read(BULK_RETRIEVE_PATH,
                                                                         {"customer_ids": list(ids)})):
            found.update(_cards(answer))
        return found

    def _start(self, card: str) -> "asyncio.Task[tuple[str, ...]]":
        task = deadline.shared(self._customers_with(card))
        self._inflight[card] = task
        task.add_done_callback(lambda _: self._inflight.pop(card, None))
        return task

    async def _customers_with(self, card: str) -> tuple[str, ...]:
        body = {"query": {"filter": {"reference_id": {"exact": card}}}, "limit": SEARCH_PAGE_LIMIT}
        customers = await self.api.read_all(SEARCH_PATH, body, "customers")
        return tuple(dict.fromkeys(str(c["id"]) for c in customers if isinstance(c.get("id"), str)))


def _cards(answer: Json) -> dict[str, str]:
    """`{"responses": {id: {"customer": {...}} | {"errors": [...]}}}` -> the ids that came with a card."""
    responses = answer.get("responses")
    found = {}
    for customer_id, one in (responses.items() if isinstance(responses, dict) else ()):
        customer = one.get("customer") if isinstance(one, dict) else None
        card = customer.get("reference_id") if isinstance(customer, dict) else None
        if isinstance(card, str) and card:
            found[str(customer_id)] = card
    return found
