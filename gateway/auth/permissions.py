"""Field permissions, one class per rule of the DESIGN table; the rule is in each field's description.

A refusal is a `FORBIDDEN` error that says nothing about whether the record
exists, so "not yours" and "does not exist" look the same.
"""

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from ..errors import ErrorCode, coded
from .guards import has_scope
from .principals import Principal, Role

REFUSAL = "Not allowed"


def principal_of(info: Info[Any, Any]) -> Principal:
    principal: Principal = info.context.principal
    return principal


class _Rule(BasePermission):
    message = REFUSAL
    error_extensions = coded(ErrorCode.FORBIDDEN)


class StaffOnly(_Rule):
    """Staff only (price audits, notes)."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        return principal_of(info).role is Role.STAFF


class PersonalData(_Rule):
    """Email, phone and addresses: the customer themself and staff only (a customer reaches only their own)."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        return principal_of(info).role in (Role.STAFF, Role.CUSTOMER)


def partner_scope(scope: str) -> type[BasePermission]:
    """Everyone but a partner passes; a partner needs `scope` on its key."""

    class PartnerScope(_Rule):
        def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            return has_scope(principal_of(info), scope)

    PartnerScope.__name__ = f"PartnerScope_{scope}"
    return PartnerScope


CATALOG = partner_scope("catalog")
PRICES = partner_scope("prices")
AVAILABILITY = partner_scope("availability")
