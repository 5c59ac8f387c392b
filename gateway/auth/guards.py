"""Who may reach which customer, order, appointment or reservation.

Customers and orders are checked at every entry point (`me`, `customer`,
`customerByLoyaltyCard`, `order`, `node`, federation `_entities`); what is
nested under an allowed customer or order is theirs to see (minus the field
permissions). Appointments and reservations belong to a store and are checked
on each record, however it was reached (`sees_held_at_store`).
"""

from typing import Protocol

from connectors.domain import Hold

from ..errors import ErrorCode, GatewayError
from .principals import Principal, Role


def forbidden(message: str = "Not allowed") -> GatewayError:
    return GatewayError(message, ErrorCode.FORBIDDEN)


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


class HeldAtStore(Protocol):
    """What the rule needs of an appointment or a reservation."""

    @property
    def store_code(self) -> str: ...

    @property
    def customer_card(self) -> str | None: ...


def check_held_at_store_reader(principal: Principal) -> None:
    """Those who may see no appointment or reservation at all are refused before any lookup."""
    if principal.role not in (Role.STAFF, Role.KIOSK, Role.CUSTOMER):
        raise forbidden()


def sees_held_at_store(principal: Principal, record: HeldAtStore | None, own_card: str | None) -> bool:
    """Staff without a store see every store's; staff of a store and its kiosk that store's; a customer those
    on their own loyalty card (`own_card`). A missing record (None) is seen only by those who see every store's,
    so that to anyone else "not yours" and "does not exist" look the same. A hold names its customer by CRM id
    too, which decides (a customer without a card sees their own, as their `reservations` list them)."""
    if principal.role is Role.STAFF and principal.store is None:
        return True
    if record is None:
        return False
    if principal.role in (Role.STAFF, Role.KIOSK):
        return record.store_code == principal.store
    if principal.role is not Role.CUSTOMER:
        return False
    if isinstance(record, Hold) and record.customer_id is not None:
        return record.customer_id == principal.subject
    return own_card is not None and record.customer_card == own_card


def customer_holds_store(principal: Principal, crm_id: str) -> str | None:
    """A customer's reservations as `sees_held_at_store` shows them, cut before the ledger is asked (so that a
    page is full): the customer their own, staff without a store all, staff of a store and a store's kiosk
    (which reached the customer by their card) those at that store, returned here; anyone else nothing."""
    if principal.role is Role.CUSTOMER and principal.subject == crm_id:
        return None
    if principal.role is Role.STAFF or (principal.role is Role.KIOSK and principal.store):
        return principal.store
    raise forbidden()


def check_reserver(principal: Principal) -> None:
    """Reserve & collect: a signed-in customer for themself, a kiosk or staff in a store; nobody else."""
    if not ((principal.role is Role.CUSTOMER and principal.subject) or principal.role is Role.STAFF
            or (principal.role is Role.KIOSK and principal.store)):
        raise forbidden()


def check_reserves_for(principal: Principal, crm_id: str | None, card: str | None) -> None:
    """On whose behalf units may be held: staff name any customer, by id or by card; a kiosk only by the card it
    scanned, as it identifies customers (an id it could type would reach anyone); a customer only themself,
    by id. Decided before any lookup, so nothing leaks."""
    if crm_id is not None and not (principal.role is Role.STAFF
                                   or (principal.role is Role.CUSTOMER and principal.subject == crm_id)):
        raise forbidden()
    if card is not None and principal.role not in (Role.STAFF, Role.KIOSK):
        raise forbidden()


def check_reserves_at(principal: Principal, store_code: str) -> None:
    """A kiosk, or staff of a store, holds stock at their own store only; staff without a store anywhere."""
    if principal.role in (Role.STAFF, Role.KIOSK) and principal.store not in (None, store_code):
        raise forbidden()


def check_collector(principal: Principal) -> None:
    """Collection happens at the till: staff, or the store's kiosk; the store itself is checked on the record."""
    if principal.role not in (Role.STAFF, Role.KIOSK):
        raise forbidden()


def check_order_placer(principal: Principal, for_customer: str | None) -> None:
    """A signed-in customer for themself; a kiosk or staff for anyone or a walk-in guest; a partner with the
    `orders` scope for its own (guest) buyers only; nobody else."""
    if principal.role is Role.CUSTOMER and principal.subject and for_customer in (None, principal.subject):
        return
    if principal.role in (Role.KIOSK, Role.STAFF):
        return
    if principal.role is Role.PARTNER and "orders" in principal.scopes and for_customer is None:
        return
    raise forbidden()
def check_appointment_requester(principal: Principal) -> None:
    """A signed-in customer asks for an appointment for themself. The request names no customer, so a kiosk or
    staff (who book a walk-in in the store's own booking app) are refused, like everyone else."""
    if not (principal.role is Role.CUSTOMER and principal.subject):
        raise forbidden("Only a signed-in customer may request an appointment, for themself")


def check_appointment_answerer(principal: Principal) -> None:
    """Staff answer requests; staff of a store only their store's (checked on the record: `sees_held_at_store`)."""
    if principal.role is not Role.STAFF:
        raise forbidden("Only staff may answer an appointment request")


def unauthenticated() -> GatewayError:
    return GatewayError("send credentials: a bearer token or an API key", ErrorCode.UNAUTHENTICATED)


def check_store_subscriber(principal: Principal, store_code: str, kiosk_too: bool) -> None:
    """A store's live events: its staff and staff without a store, and (`kiosk_too`) the store's own kiosk. No
    credentials is UNAUTHENTICATED; anyone else, another store's staff or kiosk included, FORBIDDEN."""
    if principal.role is Role.ANONYMOUS:
        raise unauthenticated()
    if principal.role is Role.STAFF and principal.store in (None, store_code):
        return
    if kiosk_too and principal.role is Role.KIOSK and principal.store == store_code:
        return
    raise forbidden()


def order_subscriber(principal: Principal) -> str:
    """A signed-in customer follows their own orders: their CRM id. No credentials is UNAUTHENTICATED."""
    if principal.role is Role.ANONYMOUS:
        raise unauthenticated()
    if principal.role is not Role.CUSTOMER or principal.subject is None:
        raise forbidden("Only a signed-in customer follows their orders")
    return principal.subject
