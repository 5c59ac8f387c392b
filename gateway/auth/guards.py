"""Who may reach which customer, order or store's appointments: checked at every entry point.

Entry points are `me`, `customer`, `customerByLoyaltyCard`, `order`, `node`
and federation `_entities`; what is nested under an allowed customer or
order is theirs to see (minus the field permissions).
"""

from ..errors import ErrorCode, GatewayError
from .principals import Principal, Role


def forbidden() -> GatewayError:
    return GatewayError("Not allowed", ErrorCode.FORBIDDEN)


def check_customer_by_id(principal: Principal, crm_id: str) -> None:
    """Staff see anyone; a customer only themself (decided before any lookup, so nothing leaks)."""
    if principal.role is Role.STAFF or (principal.role is Role.CUSTOMER and principal.subject == crm_id):
        return
    raise forbidden()


def check_customer_by_card(principal: Principal) -> None:
    """A scanned card identifies a customer to a kiosk or to staff, to nobody else."""
    if principal.role not in (Role.STAFF, Role.KIOSK):
        raise forbidden()


def check_order_reader(principal: Principal) -> None:
    """Orders by id: staff, or a customer (who must then own it)."""
    if principal.role not in (Role.STAFF, Role.CUSTOMER):
        raise forbidden()


def check_order_owner(principal: Principal, owner_crm_id: str | None) -> None:
    if principal.role is Role.CUSTOMER and owner_crm_id != principal.subject:
        raise forbidden()


def has_scope(principal: Principal, scope: str) -> bool:
    """Everyone but a partner has every scope; a partner has those on its key."""
    return principal.role is not Role.PARTNER or scope in principal.scopes


def check_scope(principal: Principal, scope: str) -> None:
    if not has_scope(principal, scope):
        raise forbidden()


def check_staff(principal: Principal) -> None:
    if principal.role is not Role.STAFF:
        raise forbidden()


def appointment_stores(principal: Principal, asked: str | None) -> list[str]:
    """The stores whose appointment requests the principal may list: staff of a store and a store's kiosk
    see their store only; staff without a store see every store (an empty list)."""
    if principal.role not in (Role.STAFF, Role.KIOSK):
        raise forbidden()
    own = principal.store
    if own is None and principal.role is Role.STAFF:
        return [asked] if asked else []
    if own is None or (asked is not None and asked != own):
        raise forbidden()
    return [own]
