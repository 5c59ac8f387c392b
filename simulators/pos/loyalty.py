"""Loyalty API: one loyalty account per card holder, mapped by mobile phone, balance = the card's points."""

from datetime import datetime
from typing import Any

from aiohttp import web

from simulators.world import DemoCustomer, World

from .body import Body, check_limit
from .customers import CustomerDirectory, created_at, updated_at
from .errors import invalid
from .paging import Cursors
from .routing import Route, reply
from .wire import compact, e164, opaque_uuid, rfc3339

MAX_KEYS = 30
MAX_LIMIT = 200
DEFAULT_LIMIT = 30


class LoyaltyApi:
    def __init__(self, world: World, directory: CustomerDirectory, cursors: Cursors) -> None:
        self.seed = world.seed
        self.program_id = opaque_uuid("loyalty-program", world.seed)
        self.cursors = cursors
        self.oldest_first = sorted(directory.by_id.values(), key=_oldest_first)
        self.by_customer = directory.by_id
        self.by_phone: dict[str, list[DemoCustomer]] = {}
        for c in self.oldest_first:
            self.by_phone.setdefault(e164(c.mobile), []).append(c)

    def routes(self) -> list[Route]:
        return [("POST", "/v2/loyalty/accounts/search", self.search_accounts)]

    def account_json(self, c: DemoCustomer) -> dict[str, Any]:
        joined = rfc3339(created_at(c))
        return {
            "id": opaque_uuid("loyalty-account", self.seed, c.index), "program_id": self.program_id,
            "balance": c.points, "lifetime_points": c.points + (c.index * 37) % (c.points // 2 + 1),
            "customer_id": c.pos_customer_id, "enrolled_at": joined, "created_at": joined,
            "updated_at": rfc3339(updated_at(c)),
            "mapping": {"id": opaque_uuid("loyalty-mapping", self.seed, c.index), "created_at": joined,
                        "phone_number": e164(c.mobile)},
        }

    async def search_accounts(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        limit = check_limit(body.integer("limit"), 1, MAX_LIMIT, DEFAULT_LIMIT)
        query = body.child("query")
        found = self._matching(query) if query else self.oldest_first
        fingerprint = {k: v for k, v in body.data.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("loyalty", fingerprint, body.text("cursor"), found, limit)
        return reply(compact({"loyalty_accounts": [self.account_json(c) for c in page], "cursor": cursor}))

    def _matching(self, query: Body) -> list[DemoCustomer]:
        mappings = query.children("mappings", max_items=MAX_KEYS) if query.has("mappings") else None
        customer_ids = query.texts("customer_ids", max_items=MAX_KEYS)
        if mappings is not None and customer_ids is not None:
            raise invalid("Search by mappings or by customer_ids, not both.", "query")
        if customer_ids is not None:
            chosen = {self.by_customer[i] for i in customer_ids if i in self.by_customer}
        elif mappings is not None:
            phones = [m.required_text("phone_number") for m in mappings]
            chosen = {c for p in phones for c in self.by_phone.get(e164(p), [])}
        else:
            return self.oldest_first
        return sorted(chosen, key=_oldest_first)


def _oldest_first(c: DemoCustomer) -> tuple[datetime, str]:
    return created_at(c), c.pos_customer_id or ""
