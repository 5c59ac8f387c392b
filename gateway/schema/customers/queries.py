"""Customer entry points: the signed-in customer, by id, by the loyalty card scanned."""

import strawberry
from strawberry.types import Info

from ...auth import guards
from ...auth.principals import Role
from ...context import Context
from ..keys import LOYALTY_CARD
from ..relay import parse_global_id
from .types import Customer, load_customer


@strawberry.type
class CustomerQueries:
    @strawberry.field(description="The signed-in customer; null for anyone else.")
    async def me(self, info: Info[Context, None]) -> Customer | None:
        principal = info.context.principal
        if principal.role is not Role.CUSTOMER or principal.subject is None:
            return None
        return await load_customer(info, principal.subject)

    @strawberry.field(description="Staff only, or the customer themself.")
    async def customer(self, info: Info[Context, None], id: strawberry.ID) -> Customer | None:
        _, crm_id = parse_global_id(id, "Customer")
        guards.check_customer_by_id(info.context.principal, crm_id)
        return await load_customer(info, crm_id)

    @strawberry.field(description="A store kiosk or staff identifying a customer by the card scanned; a kiosk "
                                  "sees no contact data.")
    async def customer_by_loyalty_card(self, info: Info[Context, None], card_number: str) -> Customer | None:
        LOYALTY_CARD.check(card_number.strip())
        guards.check_customer_by_card(info.context.principal)
        found = await info.context.loaders.customer_by_card.load(card_number.strip())
        return Customer.of(found) if found else None
