"""Customers API: one Square customer per world customer with a loyalty card.

The customer id is the world's `pos_customer_id` (the id the CRM's crosswalk
knows); the card number is the customer's `reference_id`; `phone_number` is the
mobile number in E.164, the number the loyalty account is mapped by.
"""

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

from aiohttp import web

from simulators.world import DemoCustomer, World

from .body import Body, check_limit, missing
from .errors import SquareError, bad_request, invalid, not_found
from .paging import Cursors
from .routing import Route, reply
from .wire import COUNTRY, compact, digits, e164, rfc3339

Json = dict[str, Any]
Predicate = Callable[[DemoCustomer], bool]
MAX_LIMIT = 100
MAX_BULK_IDS = 100  # BulkRetrieveCustomers: 1 to 100 customer ids
TEXT_FILTERS = ("reference_id", "phone_number", "email_address")
OTHER_FILTERS = (
    "creation_source", "created_at", "updated_at", "group_ids", "custom_attribute", "segment_ids", "birthday",
)


def created_at(c: DemoCustomer) -> datetime:
    """Joined the loyalty programme (and so the POS) on `member_since`."""
    assert c.member_since is not None
    return datetime.combine(c.member_since, time(9), UTC)


def updated_at(c: DemoCustomer) -> datetime:
    return max(created_at(c), c.last_modified)


def customer_json(c: DemoCustomer) -> Json:
    return {
        "id": c.pos_customer_id, "created_at": rfc3339(created_at(c)), "updated_at": rfc3339(updated_at(c)),
        "given_name": c.first_name, "family_name": c.last_name, "email_address": c.email,
        "phone_number": e164(c.mobile), "reference_id": c.card, "birthday": c.birthdate.isoformat(),
        "address": {"address_line_1": c.street, "locality": c.city, "postal_code": c.postal_code,
                    "country": COUNTRY},
        "preferences": {"email_unsubscribed": not c.email_consent}, "creation_source": "THIRD_PARTY",
        "version": 0,
    }


class CustomerDirectory:
    """The card holders, indexed for the lookups the gateway makes (by id, by card)."""

    def __init__(self, world: World) -> None:
        members = [c for c in world.customers if c.card is not None and c.pos_customer_id is not None]
        self.ordered = sorted(members, key=_by_name)
        self.by_id = {c.pos_customer_id: c for c in members if c.pos_customer_id}
        self.by_reference: dict[str, list[DemoCustomer]] = {}
        for c in self.ordered:
            self.by_reference.setdefault(c.card or "", []).append(c)


def _by_name(c: DemoCustomer) -> tuple[str, str]:
    """Square's DEFAULT order: given and family name together, alphabetically."""
    return f"{c.first_name} {c.last_name}".casefold(), c.pos_customer_id or ""


def _value(c: DemoCustomer, name: str) -> str:
    return {"reference_id": c.card or "", "phone_number": e164(c.mobile), "email_address": c.email}[name]


def _text_predicate(name: str, f: Body) -> Predicate:
    """`{exact}` or `{fuzzy}` on one attribute; phone numbers compare by digits."""
    exact, fuzzy = f.text("exact"), f.text("fuzzy")
    if (exact is None) == (fuzzy is None):
        raise invalid(f"Set exactly one of `exact` and `fuzzy` in `{f.path}`.", f.path)
    if name == "phone_number":
        wanted = digits(e164(exact)) if exact is not None else digits(fuzzy or "").removeprefix("0")
        if exact is not None:
            return lambda c: digits(_value(c, name)) == wanted
        return lambda c: wanted in digits(_value(c, name))
    if exact is not None:
        return (lambda c: _value(c, name).casefold() == exact.casefold()) if name == "email_address" \
            else (lambda c: _value(c, name) == exact)
    tokens = (fuzzy or "").casefold().split()
    return lambda c: all(t in _value(c, name).casefold() for t in tokens)


class CustomersApi:
    def __init__(self, directory: CustomerDirectory, cursors: Cursors) -> None:
        self.directory = directory
        self.cursors = cursors

    def routes(self) -> list[Route]:
        return [("POST", "/v2/customers/search", self.search_customers),
                ("POST", "/v2/customers/bulk-retrieve", self.bulk_retrieve_customers),
                ("GET", "/v2/customers/{customer_id}", self.retrieve_customer)]

    async def retrieve_customer(self, request: web.Request) -> web.Response:
        return reply({"customer": customer_json(self._customer(request.match_info["customer_id"]))})

    async def bulk_retrieve_customers(self, request: web.Request) -> web.Response:
        """One answer per distinct id asked for: the customer, or the error RetrieveCustomer would give."""
        ids = (await Body.read(request)).texts("customer_ids", max_items=MAX_BULK_IDS)
        if ids is None:
            raise missing("customer_ids")
        if not ids:
            raise bad_request("ARRAY_EMPTY", "`customer_ids` must have at least 1 element.", "customer_ids")
        return reply({"responses": {i: self._answer(i) for i in ids}})

    def _answer(self, customer_id: str) -> Json:
        try:
            return {"customer": customer_json(self._customer(customer_id))}
        except SquareError as error:
            return {"errors": [error.error_json()]}

    def _customer(self, customer_id: str) -> DemoCustomer:
        found = self.directory.by_id.get(customer_id)
        if found is None:
            raise not_found(f"Customer with ID `{customer_id}` not found.")
        return found

    async def search_customers(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        limit = check_limit(body.integer("limit"), 1, MAX_LIMIT, MAX_LIMIT)
        query = body.child("query")
        found = self._matching(query.child("filter") if query else None)
        sort = query.child("sort") if query else None
        if sort is not None:
            found = self._sorted(found, sort)
        fingerprint = {k: v for k, v in body.data.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("customers", fingerprint, body.text("cursor"), found, limit)
        total = len(found) if body.flag("count") else None
        customers = [customer_json(c) for c in page]
        return reply(compact({"customers": customers, "cursor": cursor, "count": total}))

    def _matching(self, f: Body | None) -> list[DemoCustomer]:
        if f is None:
            return self.directory.ordered
        for name in OTHER_FILTERS:
            if f.has(name):
                raise bad_request("BAD_REQUEST", f"Filtering on {name} is not supported by this simulator.",
                                  f.field(name))
        candidates = self.directory.ordered
        reference = f.child("reference_id")
        if reference is not None and isinstance(reference.data.get("exact"), str):
            candidates = self.directory.by_reference.get(reference.data["exact"], [])
        predicates = [_text_predicate(name, child) for name in TEXT_FILTERS if (child := f.child(name))]
        return [c for c in candidates if all(p(c) for p in predicates)]

    @staticmethod
    def _sorted(found: list[DemoCustomer], sort: Body) -> list[DemoCustomer]:
        field = sort.enum("field", ("DEFAULT", "CREATED_AT")) or "DEFAULT"
        descending = (sort.enum("order", ("ASC", "DESC")) or "ASC") == "DESC"
        if field == "DEFAULT":
            return list(reversed(found)) if descending else found
        return sorted(found, key=lambda c: (created_at(c), c.pos_customer_id or ""), reverse=descending)
