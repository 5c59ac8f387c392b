"""Loyalty card -> Square customer ids: the CRM's card number lives in `Customer.reference_id` (sheet's choice).

A card normally names one customer, but Square does not enforce unique
reference ids, so every customer carrying the card is kept. Receipts and
appointments of one request ask for the same cards at the same moment: a
search already in flight for a card is joined, not repeated.
"""

import asyncio
from collections.abc import Sequence

from .square_client import SquareClient

SEARCH_PATH = "/v2/customers/search"
SEARCH_PAGE_LIMIT = 100  # SearchCustomers refuses more


class CardLookup:
    def __init__(self, api: SquareClient) -> None:
        self.api = api
        self._inflight: dict[str, asyncio.Task[tuple[str, ...]]] = {}

    async def customer_ids_by_card(self, cards: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """One exact reference_id search per distinct card not already being searched; unknown cards map to ()."""
        distinct = list(dict.fromkeys(cards))
        tasks = [self._inflight.get(card) or self._start(card) for card in distinct]
        return dict(zip(distinct, await asyncio.gather(*tasks), strict=True))

    def _start(self, card: str) -> "asyncio.Task[tuple[str, ...]]":
        task = asyncio.ensure_future(self._customers_with(card))
        self._inflight[card] = task
        task.add_done_callback(lambda _: self._inflight.pop(card, None))
        return task

    async def _customers_with(self, card: str) -> tuple[str, ...]:
        body = {"query": {"filter": {"reference_id": {"exact": card}}}, "limit": SEARCH_PAGE_LIMIT}
        customers = await self.api.read_all(SEARCH_PATH, body, "customers")
        return tuple(dict.fromkeys(str(c["id"]) for c in customers if isinstance(c.get("id"), str)))
