"""Taking back what a saga's step made, against the system that holds it.

Every undo is written to work twice and to work when its step never happened: it may be retried after a
failure, or run by the journal for a saga whose process died before knowing how far it got.
"""

from datetime import datetime

from connectors.domain import OrderStatus, Undo, UndoKind
from connectors.ports import Reservations, WebOrderChanges

from ..clock import Clock


def cancel_web_order(key: str, customer_id: str | None, placed_after: datetime) -> Undo:
    """The order is named by its key: the step may have made it without the saga learning its id."""
    return Undo(UndoKind.CANCEL_WEB_ORDER, key, (customer_id or "", placed_after.isoformat()))


def release_hold(hold_id: str) -> Undo:
    return Undo(UndoKind.RELEASE_HOLD, hold_id)


class Undoer:
    def __init__(self, reservations: Reservations, orders: WebOrderChanges, clock: Clock) -> None:
        self._reservations = reservations
        self._orders = orders
        self._clock = clock

    async def run(self, undo: Undo) -> None:
        """Raises ConnectorError when the system cannot take it back now (the journal retries)."""
        if undo.kind is UndoKind.RELEASE_HOLD:
            await self._reservations.release(undo.target, self._clock())
        elif undo.kind is UndoKind.CANCEL_WEB_ORDER:
            customer_id, placed_after = undo.args
            order = await self._orders.find_order(undo.target, customer_id or None,
                                                  datetime.fromisoformat(placed_after))
            if order is not None and order.status is not OrderStatus.CANCELLED:
                await self._orders.cancel_order(order.id)
