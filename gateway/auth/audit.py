"""The audit trail: every read of a customer's data by staff or a kiosk, one structured line per customer.

The audited fields record themselves (`AuditRead`), so a customer reached through
an order, `node` or `_entities` is audited like one asked for by id; a field is
recorded only once its value was returned, so a refused one is never listed. The
endpoint writes the lines once the operation has run.
"""

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.types import Info
from strawberry.types.base import get_object_definition

from .principals import Principal, Role

log = logging.getLogger("omnigate.audit")
AUDITED = (Role.STAFF, Role.KIOSK)

Owner = Callable[[Any, Info[Any, Any]], Awaitable[str | None]]
"""Whose data a field's parent holds: the customer's CRM id, or None when it belongs to no customer record."""
T = TypeVar("T")


@dataclass
class AuditLog:
    reads: dict[str, set[str]] = field(default_factory=dict)

    def read(self, customer_id: str, field_name: str) -> None:
        self.reads.setdefault(customer_id, set()).add(field_name)

    def flush(self, principal: Principal, request_id: str) -> None:
        for customer_id, fields in sorted(self.reads.items()):
            log.info(json.dumps({
                "event": "customer_data_read", "requestId": request_id, "principal": principal.role.value,
                "subject": principal.subject, "store": principal.store, "customer": customer_id,
                "fields": sorted(fields)}))
        self.reads.clear()


class AuditRead(FieldExtension):
    """Records (customer, field) for staff and kiosks once a value is returned: a refused or failed field raises
    before it is recorded, a null gives nothing away. Async so that an owner may be looked up (a batched load)."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner

    async def resolve_async(self, next_: AsyncExtensionResolver, source: Any, info: Info[Any, Any],
                            **kwargs: Any) -> Any:
        value = await next_(source, info, **kwargs)
        principal: Principal = info.context.principal
        if value is not None and principal.role in AUDITED \
                and (customer_id := await self.owner(source, info)) is not None:
            info.context.audit.read(customer_id, info.field_name)
        return value


def audited(owner: Owner) -> Callable[[type[T]], type[T]]:
    """Puts `AuditRead` on every field a Strawberry type declares itself; the `id` of its interfaces is shared
    with other types and names the customer already."""
    def apply(cls: type[T]) -> type[T]:
        for declared in get_object_definition(cls, strict=True).fields:
            if declared.origin is cls:
                declared.extensions.append(AuditRead(owner))
        return cls
    return apply
