"""SearchOrders and BatchRetrieveOrders over the till receipts."""

from datetime import datetime

from aiohttp import web

from simulators.world import Receipt

from .body import Body, check_limit, missing, too_long
from .customers import CustomerDirectory
from .errors import bad_request, invalid
from .paging import Cursors
from .receipts import ORDER_VERSION, SOURCE_NAME, Receipts, instants
from .routing import Route, reply
from .wire import compact

MAX_LOCATIONS = 10
MAX_CUSTOMERS = 10
MAX_LIMIT = 1000
DEFAULT_LIMIT = 500
MAX_BATCH_IDS = 100
ORDER_STATES = ("OPEN", "COMPLETED", "CANCELED", "DRAFT")
SORT_FIELDS = {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at", "CLOSED_AT": "closed_at"}
Window = tuple[str, datetime | None, datetime | None]  # (column, start inclusive, end exclusive)


class OrdersApi:
    def __init__(self, receipts: Receipts, directory: CustomerDirectory, cursors: Cursors) -> None:
        self.receipts = receipts
        self.directory = directory
        self.cursors = cursors

    def routes(self) -> list[Route]:
        return [("POST", "/v2/orders/search", self.search_orders),
                ("POST", "/v2/orders/batch-retrieve", self.batch_retrieve)]

    async def search_orders(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        locations = body.texts("location_ids", max_items=MAX_LOCATIONS)
        if not locations:
            raise missing("location_ids")
        limit = check_limit(body.integer("limit"), 1, MAX_LIMIT, DEFAULT_LIMIT)
        query = body.child("query") or Body({}, "query")
        column, descending = _sort(query.child("sort") or Body({}, "query.sort"))
        found = self._matching(list(dict.fromkeys(locations)), query.child("filter") or Body({}, "query.filter"),
                               column)
        found.sort(key=lambda r: (instants(r)[column], r.id), reverse=descending)
        fingerprint = {k: v for k, v in body.data.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("orders", fingerprint, body.text("cursor"), found, limit)
        if body.flag("return_entries"):
            entries = [{"order_id": r.id, "version": ORDER_VERSION, "location_id": r.store_code} for r in page]
            return reply(compact({"order_entries": entries, "cursor": cursor}))
        return reply(compact({"orders": [self.receipts.order_json(r) for r in page], "cursor": cursor}))

    async def batch_retrieve(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        ids = body.texts("order_ids")
        if ids is None:
            raise missing("order_ids")
        if len(ids) > MAX_BATCH_IDS:
            raise too_long("order_ids", MAX_BATCH_IDS)
        location = body.text("location_id")
        found = (self.receipts.by_id(i) for i in dict.fromkeys(ids))
        orders = [self.receipts.order_json(r) for r in found
                  if r is not None and (location is None or r.store_code == location)]
        return reply(compact({"orders": orders}))

    def _matching(self, locations: list[str], f: Body, sort_column: str) -> list[Receipt]:
        """Every filter AND-ed; a customer filter reads only those customers' receipts."""
        window = _window(f.child("date_time_filter"), sort_column)
        if not _completed_wanted(f):
            return []
        customers = f.child("customer_filter")
        if customers is not None:
            ids = customers.texts("customer_ids", max_items=MAX_CUSTOMERS) or []
            chosen = [self.directory.by_id[i].index for i in dict.fromkeys(ids) if i in self.directory.by_id]
            pool = [r for c in chosen for r in self.receipts.of_customer(c) if r.store_code in locations]
        else:
            pool = [r for code in locations for r in self.receipts.at_store(code)]
        return [r for r in pool if _within(r, window)]


def _sort(sort: Body) -> tuple[str, bool]:
    """(column, descending); CREATED_AT DESC unless asked otherwise."""
    field = sort.enum("sort_field", SORT_FIELDS) or "CREATED_AT"
    return SORT_FIELDS[field], (sort.enum("sort_order", ("DESC", "ASC")) or "DESC") == "DESC"


def _completed_wanted(f: Body) -> bool:
    """Till receipts are COMPLETED orders from one source: do the state and source filters keep them?"""
    states_filter = f.child("state_filter")
    states = states_filter.enums("states", ORDER_STATES) if states_filter else None
    if states_filter is not None and states is None:
        raise missing(states_filter.field("states"))
    sources = f.child("source_filter")
    names = sources.texts("source_names") if sources else None
    return (states is None or "COMPLETED" in states) and (not names or SOURCE_NAME in names)


def _window(f: Body | None, sort_column: str) -> Window | None:
    """The one time range asked for; Square fails the call unless it is on the sort column."""
    if f is None:
        return None
    columns = [c for c in SORT_FIELDS.values() if f.has(c)]
    if not columns:
        return None
    if len(columns) > 1:
        raise bad_request("BAD_REQUEST", "Filter on only one of created_at, updated_at and closed_at.", f.path)
    column = columns[0]
    if column != sort_column:
        raise invalid(f"A date_time_filter on {column} requires sort_field {column.upper()}.",
                      "query.sort.sort_field")
    time_range = f.child(column)
    assert time_range is not None
    return column, time_range.instant("start_at"), time_range.instant("end_at")


def _within(r: Receipt, window: Window | None) -> bool:
    if window is None:
        return True
    column, start, end = window
    at = instants(r)[column]
    return (start is None or at >= start) and (end is None or at < end)
