"""Taking back what a saga's step made, against the system that holds it.

Every undo is written to work twice and to work when its step never happened: it may be retried after a
failure, or run by the journal for a saga whose process died before knowing how far it got.
"""

from datetime import datetime

from connectors.domain import OrderStatus, Sale, Undo, UndoKind
from connectors.ports import Reservations, StoreReturns, StoreSales, WebOrderChanges

from ..clock import Clock


def cancel_web_order(key: str, customer_id: str | None, placed_after: datetime) -> Undo:
    """The order is named by its key: the step may have made it without the saga learning its id."""
    return Undo(UndoKind.CANCEL_WEB_ORDER, key, (customer_id or "", placed_after.isoformat()))


def complete_web_order(order_id: str) -> Undo:
    return Undo(UndoKind.COMPLETE_WEB_ORDER, order_id)


def release_hold(hold_id: str) -> Undo:
    return Undo(UndoKind.RELEASE_HOLD, hold_id)


def take_back_return(sale: Sale) -> Undo:
    return Undo(UndoKind.TAKE_BACK_RETURN, sale.key, (sale.reference, sale.gtin, sale.store_code,
                                                      str(sale.quantity), sale.occurred_at.isoformat()))


def _returned(undo: Undo) -> Sale:
    reference, gtin, store_code, quantity, at = undo.args
    return Sale(reference, gtin, store_code, int(quantity), datetime.fromisoformat(at), key=undo.target)


class Undoer:
    def __init__(self, reservations: Reservations, orders: WebOrderChanges, sales: StoreSales,
                 returns: StoreReturns, clock: Clock) -> None:
        self._reservations = reservations
        self._orders = orders
        self._sales = sales
        self._returns = returns
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
        elif undo.kind is UndoKind.TAKE_BACK_RETURN:
            await self._take_back(_returned(undo))
        elif undo.kind is UndoKind.COMPLETE_WEB_ORDER:
            await self._orders.complete_order(undo.target)

    async def _take_back(self, returned: Sale) -> None:
        """Units taken back into stock leave it again as sold. The return is first sent again under its own key:
        Square does nothing if it was recorded, and records it if the saga died before it, so the pair nets to
        nothing either way."""
        await self._returns.record_returns([returned])
        await self._sales.record_sales([Sale(returned.reference, returned.gtin, returned.store_code,
                                             returned.quantity, returned.occurred_at, key=f"{returned.key}-undo")])
