"""The Reservation type: a ledger hold as clients see it, built only here and checked by `visibility`."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.domain import HoldStatus

from ...auth import guards
from ...context import Context
from ...errors import ErrorCode, GatewayError
from ...writes.outcome import Outcome
from ..common import Node
from ..products.types import Product, load_product
from ..relay import global_id
from ..stores.types import Store
from ..user_errors import UserError, user_errors
from .visibility import visible_by_id


@strawberry.enum
class ReservationStatus(Enum):
    ACTIVE = "ACTIVE"
    COLLECTED = "COLLECTED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


@strawberry.type(description="Reserve & collect: units held at a store, paid at the till.")
class Reservation(Node):
    quantity: int
    status: ReservationStatus
    expires_at: datetime
    record: strawberry.Private[domain.Hold]

    @classmethod
    def of(cls, hold: domain.Hold, now: datetime) -> "Reservation":
        """A hold past its time is EXPIRED at once, whether or not the ledger has marked it yet."""
        status = HoldStatus.EXPIRED if hold.status is HoldStatus.ACTIVE and not hold.is_active(now) else hold.status
        return cls(id=strawberry.ID(global_id("Reservation", hold.id)), quantity=hold.quantity,
                   status=ReservationStatus(status.value), expires_at=hold.expires_at, record=hold)

    @classmethod
    async def by_id(cls, info: Info[Context, None], key: str) -> "Reservation | None":
        """One reservation the caller may not see is FORBIDDEN, like one that does not exist."""
        guards.check_held_at_store_reader(info.context.principal)
        [found] = await info.context.ledger.holds([key])
        visible = await visible_by_id(info, found)
        return cls.of(visible, info.context.now) if visible else None

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> Product:
        found = await load_product(info, self.record.sku)
        if found is None:
            raise GatewayError(f"article {self.record.sku} is no longer listed", ErrorCode.UPSTREAM_ERROR,
                               source="erp")
        return found

    @strawberry.field
    async def store(self, info: Info[Context, None]) -> Store:
        return await Store.named_by(info, self.record.store_code)


@strawberry.type
class ReservationPayload:
    reservation: Reservation | None
    user_errors: list[UserError]

    @classmethod
    async def of(cls, info: Info[Context, None], outcome: Outcome) -> "ReservationPayload":
        """From a fresh or a replayed outcome alike: the hold as it is now, and the problems as first reported."""
        [hold] = await info.context.ledger.holds([outcome.record_id]) if outcome.record_id else [None]
        return cls(reservation=Reservation.of(hold, info.context.now) if hold else None,
                   user_errors=user_errors(outcome))
