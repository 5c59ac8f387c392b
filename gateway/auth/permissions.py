"""Field permissions, one class per rule of the DESIGN table; the rule is in each field's description.

A refusal is a `FORBIDDEN` error that says nothing about whether the record
exists, so "not yours" and "does not exist" look the same. Fields take their
rules through `allowed(...)`, not `permission_classes` (see `FieldRules`).
"""

from typing import Any

from strawberry.extensions.field_extension import AsyncExtensionResolver
from strawberry.permission import BasePermission, PermissionExtension
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


class FieldRules(PermissionExtension):
    """Strawberry's permission extension without the coroutine it wraps around every async resolver, each time
    the field resolves (once per object of a list): these rules read only the principal, never the object, so
    they are decided before the resolver is called and its awaitable is handed on unawaited. A rule that depends
    on the record is checked in the resolver (guards.py)."""

    def resolve_async(self, next_: AsyncExtensionResolver, source: Any, info: Info[Any, Any],
                      **kwargs: Any) -> Any:
        return self.resolve(next_, source, info, **kwargs)


def allowed(*rules: type[BasePermission]) -> FieldRules:
    """A field's rules, for its `extensions` (last, so that they run first)."""
    return FieldRules([rule() for rule in rules], use_directives=False)
