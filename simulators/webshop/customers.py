"""The shop's customer accounts (WordPress users with the `customer` role) and their routes.

Every world customer with a web shop id has an account under that id; addresses are the ones
the customer gave at checkout, which are the world's.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from simulators.world import DemoCustomer, World

from .params import QueryArgs
from .php import php_int
from .wp import Json, WpError, collection, date_fields, item, links

ROLES = ("all", "administrator", "editor", "author", "contributor", "subscriber", "customer", "shop_manager")
ORDER_BY = ("id", "include", "name", "registered_date")
ACCOUNT_AGE = timedelta(days=3 * 365 + 30)  # older than any web order the world holds

SortKey = Callable[[DemoCustomer], tuple[Any, ...]]


def billing(customer: DemoCustomer) -> Json:
    return {**shipping(customer), "email": customer.email, "phone": customer.phone}


def shipping(customer: DemoCustomer) -> Json:
    """The address book's shipping address (the sheet's shape: no email, no phone)."""
    return {"first_name": customer.first_name, "last_name": customer.last_name, "company": "",
            "address_1": customer.street, "address_2": "", "city": customer.city, "state": "",
            "postcode": customer.postal_code, "country": customer.country}


class Directory:
    """Customers by shop user id, as read-only accounts."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.by_id = {c.webshop_id: c for c in world.customers if c.webshop_id is not None}

    def get(self, user_id: int) -> DemoCustomer | None:
        return self.by_id.get(user_id)

    def registered(self, customer: DemoCustomer) -> datetime:
        return self.world.now - ACCOUNT_AGE - timedelta(hours=customer.index % (24 * 365))


class CustomersApi:
    def __init__(self, directory: Directory, prefix: str) -> None:
        self.directory = directory
        self.prefix = prefix

    async def get_items(self, request: web.Request) -> web.Response:
        args = QueryArgs(request)
        page = args.page()
        include, exclude = args.id_list("include"), args.id_list("exclude")
        email, search = args.email("email"), args.text("search")
        role = args.enum("role", "customer", ROLES)
        orderby = args.enum("orderby", "name", ORDER_BY)
        descending = args.enum("order", "asc", ("asc", "desc")) == "desc"
        gmt = args.boolean("dates_are_gmt", False)
        modified_after, modified_before = args.date("modified_after", gmt), args.date("modified_before", gmt)
        args.check()
        rows = [c for c in self.directory.by_id.values()
                if role in ("all", "customer") and (not include or c.webshop_id in include)
                and c.webshop_id not in exclude and (email is None or c.email.casefold() == email.casefold())
                and (search is None or _found(c, search))
                and (modified_after is None or c.last_modified > modified_after)
                and (modified_before is None or c.last_modified < modified_before)]
        rows.sort(key=self._sort_key(orderby, include), reverse=descending)
        return collection(request, [self._json(c, request) for c in page.cut(rows)], len(rows), page)

    async def get_item(self, request: web.Request) -> web.Response:
        customer = self.directory.get(php_int(request.match_info["id"]))
        if customer is None:
            return WpError("woocommerce_rest_invalid_id", "Invalid resource ID.", 404).response()
        return item(request, self._json(customer, request))

    def _sort_key(self, orderby: str, include: list[int]) -> SortKey:
        if orderby == "include" and include:
            position = {user_id: n for n, user_id in enumerate(include)}
            return lambda c: (position.get(c.webshop_id or 0, len(position)), 0)
        if orderby == "id":
            return lambda c: (c.webshop_id or 0, 0)
        if orderby == "registered_date":
            return lambda c: (self.directory.registered(c), c.webshop_id or 0)
        return lambda c: (_display_name(c).casefold(), c.webshop_id or 0)

    def _json(self, customer: DemoCustomer, request: web.Request) -> Json:
        user_id = customer.webshop_id or 0
        return {
            "id": user_id, **date_fields("date_created", self.directory.registered(customer)),
            **date_fields("date_modified", customer.last_modified),
            "email": customer.email, "first_name": customer.first_name, "last_name": customer.last_name,
            "role": "customer", "username": username(customer), "billing": billing(customer),
            "shipping": shipping(customer), "is_paying_customer": True,
            "avatar_url": "https://secure.gravatar.com/avatar/?s=96&d=mm&r=g", "meta_data": [],
            "_links": links(request, self.prefix, f"/customers/{user_id}", "/customers"),
        }


def username(customer: DemoCustomer) -> str:
    """Checkout derives the login from the e-mail's local part."""
    return customer.email.split("@", 1)[0]


def _display_name(customer: DemoCustomer) -> str:
    return f"{customer.first_name} {customer.last_name}"


def _found(customer: DemoCustomer, search: str) -> bool:
    needle = search.casefold()
    return any(needle in text.casefold() for text in (customer.email, username(customer), _display_name(customer)))
