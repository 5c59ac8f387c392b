"""Loyalty card -> Square customer ids: the CRM's card number lives in `Customer.reference_id` (sheet's choice).

A card normally names one customer, but Square does not enforce unique
reference ids, so every customer carrying the card is kept.
"""

from collections.abc import Sequence

from .square_client import SquareClient, gather_map

SEARCH_PATH = "/v2/customers/search"
SEARCH_PAGE_LIMIT = 100  # SearchCustomers refuses more


async def customer_ids_by_card(api: SquareClient, cards: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """One exact reference_id search per distinct card, concurrently; cards nobody carries map to ()."""
    distinct = list(dict.fromkeys(cards))
    found = await gather_map(distinct, lambda card: _customers_with(api, card))
    return dict(zip(distinct, found, strict=True))


async def _customers_with(api: SquareClient, card: str) -> tuple[str, ...]:
    body = {"query": {"filter": {"reference_id": {"exact": card}}}, "limit": SEARCH_PAGE_LIMIT}
    customers = await api.read_all(SEARCH_PATH, body, "customers")
    return tuple(dict.fromkeys(str(c["id"]) for c in customers if isinstance(c.get("id"), str)))
