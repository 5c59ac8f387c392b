"""A `holds` row and the Hold it stands for, shared by the writes (`holds`) and the listings (`listing`)."""

from ..domain import Hold, HoldStatus
from .database import from_us

ACTIVE = HoldStatus.ACTIVE.value
COLUMNS = "id, sku, store_code, quantity, customer_id, customer_card, created_us, expires_us, status"
Row = tuple[str, str, str, int, str | None, str | None, int, int, str]


def hold_of(row: Row) -> Hold:
    hold_id, sku, store, quantity, customer_id, card, created, expires, status = row
    return Hold(hold_id, sku, store, quantity, customer_id, card, from_us(created), from_us(expires),
                HoldStatus(status))
