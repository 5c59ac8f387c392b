"""Bringing a web order back to a store as a saga: the units go back into the store's stock at the POS first
(undoable: sold again under a derived key), the refund in the web shop last, since a refund cannot be taken
back; a failed refund undoes the stock."""

from collections.abc import Sequence
from functools import partial

from connectors.domain import NewRefund, Sale

from .saga import Saga
from .shop import ShopWrites
from .till import Till
from .undo import take_back_return


async def bring_back(saga: Saga, till: Till, shop: ShopWrites, returned: Sequence[Sale],
                     refund: NewRefund) -> str | int:
    """The refund's id, or the index of the first article the store's till does not know. Raises
    ConnectorError when a system fails; the caller unwinds the saga either way."""
    for index, sale in enumerate(returned):
        [known] = await saga.step(take_back_return(sale), partial(till.record_returns, [sale]))
        if not known:
            return index
    return await shop.refund(refund)
