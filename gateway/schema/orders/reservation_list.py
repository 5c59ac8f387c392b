"""`Customer.reservations` and `Store.reservations`: pages of ledger holds, newest first, cut in the ledger.

Who sees which is decided before the ledger is asked (`guards`), so a page is never thinned out afterwards;
the rule is the one `visibility` applies to a single reservation.
"""

import strawberry
from strawberry.types import Info

from connectors.domain import HoldListing, HoldPage, HoldStatus

from ...auth import guards
from ...context import Context
from ..common import PageInfo
from ..cursors import hold_cursor, parse_hold_cursor
from ..pagination import check_first
from .reservation import Reservation, ReservationStatus

DEFAULT_FIRST = 20


@strawberry.type
class ReservationEdge:
    cursor: str
    node: Reservation


@strawberry.type
class ReservationConnection:
    edges: list[ReservationEdge]
    page_info: PageInfo


async def reservations_of(info: Info[Context, None], crm_id: str, first: int | None, after: str | None,
                          status: ReservationStatus | None) -> ReservationConnection:
    """The customer's own, any customer's for staff without a store; staff of a store and a kiosk: their store's."""
    ctx = info.context
    store = guards.customer_holds_store(ctx.principal, crm_id)
    listing = _listing(info, first, after, status, store)
    return _connection(info, await ctx.ledger.holds_of(crm_id, listing), after)


async def reservations_at(info: Info[Context, None], store_code: str, first: int | None, after: str | None,
                          status: ReservationStatus | None) -> ReservationConnection:
    """Staff of the store or without a store, and the store's kiosk (as for appointments); walk-ins included."""
    ctx = info.context
    guards.appointment_stores(ctx.principal, store_code)
    listing = _listing(info, first, after, status, None)
    return _connection(info, await ctx.ledger.holds_at(store_code, listing), after)


def _listing(info: Info[Context, None], first: int | None, after: str | None, status: ReservationStatus | None,
             store: str | None) -> HoldListing:
    return HoldListing(info.context.now, check_first(first, DEFAULT_FIRST),
                       status=HoldStatus(status.value) if status else None, store_code=store,
                       after=parse_hold_cursor(after))


def _connection(info: Info[Context, None], page: HoldPage, after: str | None) -> ReservationConnection:
    edges = [ReservationEdge(cursor=hold_cursor(h), node=Reservation.of(h, info.context.now)) for h in page.holds]
    return ReservationConnection(edges=edges, page_info=PageInfo(
        has_next_page=page.has_more, has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))
