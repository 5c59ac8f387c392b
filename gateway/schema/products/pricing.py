"""One price: the ERP's is the selling price; each system's copy is shown for audits."""

from collections.abc import Awaitable

import strawberry
from strawberry.types import Info

from connectors.domain import OnlineProduct, ShownPrice

from ...context import Context
from ..common import Money
from ..partial import Partial, gather_started, ready
from .online import online_product_soon


@strawberry.type
class ChannelPrice:
    source: str = strawberry.field(description="The system that holds this price: erp, pos or webshop.")
    amount: Money


@strawberry.type
class Price:
    amount: Money = strawberry.field(description="What the customer pays now, on every channel.")
    compare_at: Money | None = strawberry.field(description="The list price before a promotion, when one runs.")
    sku: strawberry.Private[str]
    reference: strawberry.Private[ShownPrice]

    @classmethod
    def of(cls, sku: str, shown: ShownPrice) -> "Price":
        return cls(amount=Money.of(shown.amount), compare_at=Money.of(shown.compare_at) if shown.compare_at else None,
                   sku=sku, reference=shown)

    @strawberry.field(description="The price each back-office system currently shows, for audits.")
    async def channel_prices(self, info: Info[Context, None]) -> list[ChannelPrice]:
        shown, _ = await _all_shown(info, self.sku, self.reference)
        return [ChannelPrice(source=s.system.value, amount=Money.of(s.amount)) for s in shown]

    @strawberry.field(description="True when every system shows the same price as `amount`.")
    async def consistent(self, info: Info[Context, None]) -> bool:
        shown, complete = await _all_shown(info, self.sku, self.reference)
        return complete and all(s.amount.amount == self.reference.amount.amount for s in shown)


async def shown_prices(info: Info[Context, None], sku: str) -> Partial[ShownPrice | None]:
    """The POS's and the web shop's price of one sku, None where a system holds none. Both loads are queued
    before either is awaited: no task each (a partner's 100 products ask this 100 times)."""
    crosswalk = await info.context.reference.crosswalk.get()
    gtin = crosswalk.gtin_of.get(sku)
    reads: dict[str, Awaitable[ShownPrice | OnlineProduct | None]] = {
        "pos": info.context.loaders.pos_price_by_gtin.load_soon(gtin) if gtin else ready(None),
        "webshop": online_product_soon(info, crosswalk, sku)}
    found = await gather_started(reads)
    return Partial({system: value.price if isinstance(value, OnlineProduct) else value
                    for system, value in found.answered.items()}, found.failed)


async def _all_shown(info: Info[Context, None], sku: str, reference: ShownPrice) -> tuple[list[ShownPrice], bool]:
    """Every system's price that answered, and whether all systems answered; failures are recorded on the field."""
    others = (await shown_prices(info, sku)).reported(info)
    return [reference, *(s for s in others.answered.values() if s is not None)], not others.failed

