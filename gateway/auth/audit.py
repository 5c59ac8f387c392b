"""The audit trail: every read of a customer's data by staff or a kiosk, one structured line each.

Entry points record which customer was read and which of its fields were
selected; the endpoint writes the lines once the operation has run.
"""

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from .principals import Principal, Role

log = logging.getLogger("omnigate.audit")
AUDITED = (Role.STAFF, Role.KIOSK)


@dataclass
class AuditLog:
    reads: dict[str, set[str]] = field(default_factory=dict)

    def record(self, info: Info[Any, Any], customer_id: str) -> None:
        principal: Principal = info.context.principal
        if principal.role in AUDITED:
            fields = self.reads.setdefault(customer_id, set())
            for selected in info.selected_fields:
                fields.update(_names(selected.selections))

    def flush(self, principal: Principal, request_id: str) -> None:
        for customer_id, fields in sorted(self.reads.items()):
            log.info(json.dumps({
                "event": "customer_data_read", "requestId": request_id, "principal": principal.role.value,
                "subject": principal.subject, "store": principal.store, "customer": customer_id,
                "fields": sorted(fields)}))
        self.reads.clear()


def _names(selections: Iterable[SelectedField | FragmentSpread | InlineFragment]) -> set[str]:
    names: set[str] = set()
    for s in selections:
        if isinstance(s, SelectedField):
            names.add(s.name)
        else:
            names |= _names(s.selections)
    return names - {"__typename"}
