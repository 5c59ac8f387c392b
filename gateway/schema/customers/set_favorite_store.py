"""`setFavoriteStore`: the signed-in customer picks the store every channel then suggests first."""

import strawberry
from strawberry.types import Info

from connectors.domain import ProfileChange

from ...auth import guards
from ...auth.principals import Role
from ...context import Context
from ...errors import GatewayError, UserErrorCode
from ..relay import parse_global_id
from .profile import CustomerPayload, change_profile


async def set_favorite_store(info: Info[Context, None], store_id: strawberry.ID) -> CustomerPayload:
    """The customer for themself only (the contract names no customer); anyone else is refused before any call.
    Idempotent by nature: setting the same store again changes nothing."""
    ctx = info.context
    principal = ctx.principal
    if principal.role is not Role.CUSTOMER or principal.subject is None:
        raise guards.forbidden()
    try:
        _, code = parse_global_id(store_id, "Store")
    except GatewayError:
        return CustomerPayload.refused(UserErrorCode.INVALID, "storeId is not the id of a store", "storeId")
    store = (await ctx.reference.stores.get()).by_code.get(code)
    if store is None or not store.active:
        return CustomerPayload.refused(UserErrorCode.NOT_FOUND, "no such store", "storeId")
    return await change_profile(info, principal.subject, ProfileChange(favourite_store=code))
