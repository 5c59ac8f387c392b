"""The customer domain's mutations, each in its own module; this type only names them for the Mutation root."""

import strawberry
from strawberry.types import Info

from ...context import Context
from .add_customer_note import CustomerNoteInput, CustomerNotePayload, add_customer_note
from .profile import CustomerPayload
from .set_favorite_store import set_favorite_store
from .update_preferences import PreferencesInput, update_preferences
from .wishlist_changes import WishlistPayload, add_to_wishlist, remove_from_wishlist


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(description="The signed-in customer: list an article (once, however often added).")
    async def add_to_wishlist(self, info: Info[Context, None], sku: str) -> WishlistPayload:
        return await add_to_wishlist(info, sku)

    @strawberry.mutation(description="The signed-in customer: take an article off the list (not listed: done).")
    async def remove_from_wishlist(self, info: Info[Context, None], sku: str) -> WishlistPayload:
        return await remove_from_wishlist(info, sku)

    @strawberry.mutation(description="The signed-in customer: the store every channel suggests first.")
    async def set_favorite_store(self, info: Info[Context, None], store_id: strawberry.ID) -> CustomerPayload:
        return await set_favorite_store(info, store_id)

    @strawberry.mutation(description="The customer, or staff on their behalf (customerId): preferences declared "
                                     "once, used on every channel.")
    async def update_preferences(self, info: Info[Context, None], input: PreferencesInput,
                                 customer_id: strawberry.ID | None = None) -> CustomerPayload:
        return await update_preferences(info, input, customer_id)

    @strawberry.mutation(description="Staff: record what was learned from the customer in the store or on the "
                                     "phone (the store from the staff member's token; none: customer service).")
    async def add_customer_note(self, info: Info[Context, None], input: CustomerNoteInput) -> CustomerNotePayload:
        return await add_customer_note(info, input)
