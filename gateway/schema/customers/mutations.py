"""The customer domain's mutations, each in its own module; this type only names them for the Mutation root."""

import strawberry
from strawberry.types import Info

from ...context import Context
from .add_customer_note import CustomerNoteInput, CustomerNotePayload, add_customer_note


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(description="Staff: record what was learned from the customer in the store or on the "
                                     "phone (the store from the staff member's token; none: customer service).")
    async def add_customer_note(self, info: Info[Context, None], input: CustomerNoteInput) -> CustomerNotePayload:
        return await add_customer_note(info, input)
