"""One price: the ERP's is the selling price; each system's copy is shown for audits."""

import strawberry
from strawberry.types import Info

from connectors.domain import ShownPrice

from ...context import Context
from ..common import Money
from ..partial import Partial, gather_sources
from .online import online_product


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
    """The POS's and the web shop's price of one sku, None where a system holds none."""
    crosswalk = await info.context.reference.crosswalk.get()
    gtin = crosswalk.gtin_of.get(sku)

    async def pos() -> ShownPrice | None:
        return await info.context.loaders.pos_price_by_gtin.load(gtin) if gtin else None

    async def webshop() -> ShownPrice | None:
        product = await online_product(info, sku)
        return product.price if product else None

    return await gather_sources({"pos": pos(), "webshop": webshop()})


async def _all_shown(info: Info[Context, None], sku: str, reference: ShownPrice) -> tuple[list[ShownPrice], bool]:
    """Every system's price that answered, and whether all systems answered; failures are recorded on the field."""
    others = (await shown_prices(info, sku)).reported(info)
    return [reference, *(s for s in others.answered.values() if s is not None)], not others.failed

