"""The channel a write came from, read off the principal: a client's word for it is never taken."""

from connectors.domain import Channel

from .principals import Principal, Role

ORDER_SCOPE = "orders"


def channel_of(principal: Principal) -> Channel:
    """A customer token is the app's; staff at a store sell in the store, staff without one are the call
    centre. Anonymous and router principals never write, so they have no channel."""
    match principal.role:
        case Role.CUSTOMER:
            return Channel.MOBILE_APP
        case Role.KIOSK:
            return Channel.KIOSK
        case Role.PARTNER:
            return Channel.PARTNER
        case Role.STAFF:
            return Channel.STORE if principal.store else Channel.CALL_CENTER
    raise ValueError(f"{principal.role} has no channel")
