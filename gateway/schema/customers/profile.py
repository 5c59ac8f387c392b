"""What the profile mutations share: their payload, and the change applied to the CRM then read back.

These mutations carry no idempotency key: each sets values (the CRM's PATCH by id, last write wins), so a
repeat, or a retry after a lost answer, leaves the record as one call would.
"""

import strawberry
from strawberry.types import Info

from connectors.domain import ProfileChange
from connectors.errors import UpstreamNotFound, UpstreamUnavailable

from ...context import Context
from ...errors import UserErrorCode
from ...writes.outcome import Outcome
from ..user_errors import UserError, user_errors
from .types import Customer, load_customer


@strawberry.type
class CustomerPayload:
    customer: Customer | None
    user_errors: list[UserError]

    @classmethod
    def refused(cls, code: UserErrorCode, message: str, *field: str) -> "CustomerPayload":
        return cls(customer=None, user_errors=user_errors(Outcome.refused(code, message, *field)))


async def change_profile(info: Info[Context, None], crm_id: str, change: ProfileChange,
                         *field: str) -> CustomerPayload:
    """`field`: where the customer was named (none: the caller themself). The customer is read again after the
    write, so the payload shows what every channel now reads."""
    ctx = info.context
    try:
        if await ctx.loaders.customer_by_id.load(crm_id) is None:
            return CustomerPayload.refused(UserErrorCode.NOT_FOUND, "no such customer", *field)
        await ctx.profile.change_profile(crm_id, change)
    except UpstreamNotFound:  # gone between the read and the write
        return CustomerPayload.refused(UserErrorCode.NOT_FOUND, "no such customer", *field)
    except UpstreamUnavailable:
        return CustomerPayload.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the CRM could not save it; retry")
    ctx.loaders.customer_by_id.forget(crm_id)
    return CustomerPayload(customer=await load_customer(info, crm_id), user_errors=[])
