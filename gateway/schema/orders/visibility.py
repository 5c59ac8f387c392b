"""Which appointments and reservations the caller sees: the one check every way of reaching one goes through.

The Appointment and Reservation types are built
from its records only here, so `node`, a customer's profile and a store's list
cannot apply different rules (`guards.sees_held_at_store`).
"""

from collections.abc import Iterable
from typing import TypeVar

from strawberry.types import Info

from ...auth import guards
from ...auth.principals import Role
from ...context import Context

Held = TypeVar("Held", bound=guards.HeldAtStore)


async def visible(info: Info[Context, None], records: Iterable[Held]) -> list[Held]:
    """In a list, those the caller may not see are left out silently, as if the store had not listed them."""
    principal, card = info.context.principal, await _own_card(info)
    return [r for r in records if guards.sees_held_at_store(principal, r, card)]


async def visible_by_id(info: Info[Context, None], record: Held | None) -> Held | None:
    """By id, one the caller may not see is FORBIDDEN, exactly like one that does not exist."""
    if not guards.sees_held_at_store(info.context.principal, record, await _own_card(info)):
        raise guards.forbidden()
    return record


async def _own_card(info: Info[Context, None]) -> str | None:
    """The loyalty card a signed-in customer's appointments carry (their profile, already loaded by `me`)."""
    principal = info.context.principal
    if principal.role is not Role.CUSTOMER or principal.subject is None:
        return None
    found = await info.context.loaders.customer_by_id.load(principal.subject)
    return found.loyalty_card if found else None
