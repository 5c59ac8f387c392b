"""`addToWishlist` / `removeFromWishlist`: the signed-in customer's web shop wishlist, changed from any channel.

No idempotency key: both are idempotent by nature. The shop lists a product once however often it is added, and
removing one not listed is already done, so a repeat (or a retry after a lost answer) leaves one state.
"""

from dataclasses import dataclass

import strawberry
from strawberry.types import Info

from connectors.domain import CustomerRecord
from connectors.errors import UpstreamUnavailable

from ...auth import guards
from ...auth.principals import Role
from ...context import Context
from ...errors import UserErrorCode
from ...writes.outcome import Outcome
from ..user_errors import UserError, user_errors
from .wishlist import Wishlist, wishlist_of


@strawberry.type
class WishlistPayload:
    wishlist: Wishlist | None
    user_errors: list[UserError]

    @classmethod
    def refused(cls, code: UserErrorCode, message: str, *field: str) -> "WishlistPayload":
        return cls(wishlist=None, user_errors=user_errors(Outcome.refused(code, message, *field)))


@dataclass(frozen=True)
class _Target:
    customer: CustomerRecord
    webshop_customer_id: str
    product_id: str


async def add_to_wishlist(info: Info[Context, None], sku: str) -> WishlistPayload:
    target = await _target(info, sku)
    if isinstance(target, WishlistPayload):
        return target
    try:
        if not await info.context.profile.add_to_wishlist(target.webshop_customer_id, target.product_id):
            return WishlistPayload.refused(UserErrorCode.NOT_FOUND, "the web shop does not list this article", "sku")
    except UpstreamUnavailable:
        return _unavailable()
    return await _after(info, target)


async def remove_from_wishlist(info: Info[Context, None], sku: str) -> WishlistPayload:
    target = await _target(info, sku)
    if isinstance(target, WishlistPayload):
        return target
    try:
        await info.context.profile.remove_from_wishlist(target.webshop_customer_id, target.product_id)
    except UpstreamUnavailable:
        return _unavailable()
    return await _after(info, target)


async def _target(info: Info[Context, None], sku: str) -> _Target | WishlistPayload:
    """The customer for themself only (anyone else refused before any call); the article as the shop knows it."""
    ctx = info.context
    principal = ctx.principal
    if principal.role is not Role.CUSTOMER or principal.subject is None:
        raise guards.forbidden()
    crosswalk = await ctx.reference.crosswalk.get()
    if not crosswalk.webshop_known:
        return _unavailable()
    canonical = crosswalk.canonical_sku(sku.strip())
    product_id = crosswalk.webshop_id_of.get(canonical) if canonical else None
    if canonical is None or product_id is None:
        return WishlistPayload.refused(UserErrorCode.NOT_FOUND, "no such article in the web shop", "sku")
    try:
        customer = await ctx.loaders.customer_by_id.load(principal.subject)
    except UpstreamUnavailable:
        return _unavailable()
    if customer is None or customer.webshop_customer_id is None:
        return WishlistPayload.refused(UserErrorCode.NOT_FOUND, "no web shop account to keep a wishlist in")
    return _Target(customer, customer.webshop_customer_id, product_id)


async def _after(info: Info[Context, None], target: _Target) -> WishlistPayload:
    """The list read again from the shop, as every channel now sees it."""
    info.context.loaders.wishlist_by_webshop_customer.forget(target.webshop_customer_id)
    return WishlistPayload(wishlist=await wishlist_of(info, target.customer), user_errors=[])


def _unavailable() -> WishlistPayload:
    return WishlistPayload.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the web shop could not change the list; "
                                   "retry")
