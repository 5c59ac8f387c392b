"""Placing a web order as a saga. Home delivery is one step; click & collect and ship from store first hold
the store's units in the ledger, so two orders can never promise the same last unit, then place the order,
then link the holds to it."""

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from connectors.domain import Hold, NewWebOrder, Purchase

from .ledger import Ledger
from .saga import Saga
from .shop import ShopWrites
from .undo import cancel_web_order, release_hold


async def checkout(saga: Saga, ledger: Ledger, shop: ShopWrites, order: NewWebOrder,
                   holds: Sequence[tuple[Hold, int]]) -> Purchase | int:
    """The order placed, or the index of the first line whose units could not be held (`holds` pairs each
    hold with what the POS counts sellable there). Raises ConnectorError when a system fails; the caller
    unwinds the saga either way."""
    for index, (hold, available) in enumerate(holds):
        if not await saga.step(release_hold(hold.id), partial(ledger.hold, hold, available)):
            return index
    keyed = replace(order, key=saga.key("order"))
    undo = cancel_web_order(keyed.key, keyed.customer_id, keyed.placed_at)
    placed = await saga.step(undo, lambda: shop.place_order(keyed))
    if holds:
        await ledger.link([hold.id for hold, _ in holds], placed.id)
    return placed
