"""Customer entry points: the signed-in customer, by id, by the loyalty card scanned."""

import strawberry
from strawberry.types import Info

from ...context import Context
from ..relay import parse_global_id
from .types import Customer


@strawberry.type
class CustomerQueries:
    @strawberry.field(description="The signed-in customer.")
    async def me(self, info: Info[Context, None]) -> Customer | None:
        return None  # resolved from the principal once authentication exists (channels and trust)

    @strawberry.field(description="Staff only, or the customer themself.")
    async def customer(self, info: Info[Context, None], id: strawberry.ID) -> Customer | None:
        _, crm_id = parse_global_id(id, "Customer")
        found = await info.context.loaders.customer_by_id.load(crm_id)
        return Customer.of(found) if found else None

    @strawberry.field(description="A store kiosk or staff identifying a customer by the card scanned.")
    async def customer_by_loyalty_card(self, info: Info[Context, None], card_number: str) -> Customer | None:
        found = await info.context.loaders.customer_by_card.load(card_number.strip())
        return Customer.of(found) if found else None
