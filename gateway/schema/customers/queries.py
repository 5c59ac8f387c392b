"""Customer entry points: the signed-in customer, by id, by the loyalty card scanned, by what a caller gave."""

import strawberry
from strawberry.types import Info

from connectors.customer_search import CustomerSearch

from ...auth import guards
from ...auth.principals import Role
from ...context import Context
from ...errors import bad_input
from ..keys import CUSTOMER_QUERY, LOYALTY_CARD
from ..relay import parse_global_id
from .types import Customer, load_customer

DEFAULT_MATCHES, MAX_MATCHES = 10, 50  # ours: a caller is one person; a longer list means a vaguer query


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

    @strawberry.field(description="Staff only (customer service answering a caller): the customers whose email, "
                                  "phone number or name is exactly `query`, case ignored. A phone number may be "
                                  "written in any usual French form (`06 12 34 56 78`, `+33 6…`, `0033…`); a name "
                                  "as `last`, `first last` or `last first`. At most `first` (1 to "
                                  f"{MAX_MATCHES}), lowest CRM id first. Reading them is audited like any "
                                  "customer read.")
    async def search_customers(self, info: Info[Context, None], query: str,
                               first: int = DEFAULT_MATCHES) -> list[Customer]:
        guards.check_staff(info.context.principal)
        text = CUSTOMER_QUERY.check(query.strip())
        if not 1 <= first <= MAX_MATCHES:
            raise bad_input(f"`first` must be between 1 and {MAX_MATCHES}, got {first}")
        found = await info.context.reads.customer_search(CustomerSearch.read(text), first)
        return [Customer.of(record) for record in found]
