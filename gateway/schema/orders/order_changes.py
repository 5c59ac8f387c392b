"""An order write that succeeded is told to the live hub, naming the buyer so only their subscribers re-read it."""

from strawberry.types import Info

from connectors.domain import Purchase
from connectors.errors import ConnectorError

from ...context import Context
from ...live import OrderChanged


async def tell_order_changed(info: Info[Context, None], order: Purchase) -> None:
    """The buyer by CRM id; a guest's order names none, and a CRM that cannot be read now leaves it out too
    (the write has succeeded: its event must not fail it)."""
    ctx = info.context
    buyer = None
    if order.customer_id is not None:
        try:
            found = await ctx.loaders.customer_by_webshop_id.load(order.customer_id)
        except ConnectorError:
            found = None
        buyer = found.id if found else None
    ctx.live.publish(OrderChanged(order.id, buyer, ctx.now))
