"""`updatePreferences`: channel, consents and interests, declared once and used on every channel."""

import strawberry
from strawberry.types import Info

from connectors.domain import ProfileChange

from ...auth import guards
from ...auth.principals import Role
from ...context import Context
from ...errors import GatewayError, UserErrorCode
from ..common import Channel
from ..relay import parse_global_id
from .profile import CustomerPayload, change_profile

# The channels a customer can be reached on; a kiosk or a partner cannot contact anyone.
REACHABLE = (Channel.WEB, Channel.MOBILE_APP, Channel.CALL_CENTER, Channel.STORE)
MAX_INTERESTS, MAX_INTEREST_CHARS = 20, 40  # ours: a few words each, a short list


@strawberry.input
class PreferencesInput:
    preferred_channel: Channel | None = None
    email_opt_in: bool | None = None
    sms_opt_in: bool | None = None
    interests: list[str] | None = None


async def update_preferences(info: Info[Context, None], input: PreferencesInput,
                             customer_id: strawberry.ID | None) -> CustomerPayload:
    """The customer for themself (`customerId` omitted or their own), staff for the customer they name; anyone
    else is refused before any call. A field left out stays as it is. Idempotent by nature: the same input
    again sets the same values."""
    principal = info.context.principal
    if principal.role not in (Role.CUSTOMER, Role.STAFF) or (principal.role is Role.CUSTOMER
                                                              and principal.subject is None):
        raise guards.forbidden()
    if customer_id is None:
        if principal.role is Role.STAFF:
            return CustomerPayload.refused(UserErrorCode.INVALID, "staff name the customer", "customerId")
        crm_id = str(principal.subject)
    else:
        try:
            _, crm_id = parse_global_id(customer_id, "Customer")
        except GatewayError:
            return CustomerPayload.refused(UserErrorCode.INVALID, "customerId is not the id of a customer",
                                           "customerId")
        guards.check_customer_by_id(principal, crm_id)
    change = _change(input)
    if isinstance(change, CustomerPayload):
        return change
    return await change_profile(info, crm_id, change, *(("customerId",) if customer_id is not None else ()))


def _change(input: PreferencesInput) -> ProfileChange | CustomerPayload:
    """The change asked for, or the first field at fault."""
    if input.preferred_channel is not None and input.preferred_channel not in REACHABLE:
        return CustomerPayload.refused(UserErrorCode.INVALID, "preferredChannel must be one of "
                                       + ", ".join(c.value for c in REACHABLE), "input", "preferredChannel")
    interests = None
    if input.interests is not None:
        interests = tuple(dict.fromkeys(i.strip() for i in input.interests))  # first of each, in order
        if len(interests) > MAX_INTERESTS or any(not i or ";" in i or len(i) > MAX_INTEREST_CHARS
                                                 for i in interests):
            return CustomerPayload.refused(UserErrorCode.INVALID, f"at most {MAX_INTERESTS} interests of 1 to "
                                           f"{MAX_INTEREST_CHARS} characters, without `;`", "input", "interests")
    return ProfileChange(preferred_channel=input.preferred_channel, email_opt_in=input.email_opt_in,
                         sms_opt_in=input.sms_opt_in, interests=interests)
