"""BatchRetrieveInventoryCounts and BatchChangeInventory over the stock book."""

import json
from datetime import datetime, timedelta
from itertools import count
from operator import attrgetter
from typing import Any

from aiohttp import web
from cachetools import LRUCache

from simulators.world import DemoProduct, DemoStore, World

from .body import Body, check_limit, missing
from .catalog import Catalog
from .errors import bad_request, invalid
from .idempotency import IdempotencyKeys
from .paging import Cursors
from .routing import Route, reply
from .stock import ALLOWED_MOVES, Count, Move, Overdraw, StockBook
from .wire import Clock, compact, opaque_id, parse_quantity, quantity, rfc3339, utcnow

INVENTORY_STATES = (
    "CUSTOM", "IN_STOCK", "SOLD", "RETURNED_BY_CUSTOMER", "RESERVED_FOR_SALE", "SOLD_ONLINE",
    "ORDERED_FROM_VENDOR", "RECEIVED_FROM_VENDOR", "IN_TRANSIT_TO", "NONE", "WASTE", "UNLINKED_RETURN",
    "COMPOSED", "DECOMPOSED", "SUPPORTED_BY_NEWER_VERSION", "IN_TRANSIT",
)
IGNORED_IN_FILTER = frozenset({"NONE", "SOLD", "UNLINKED_RETURN"})
# "READ-ONLY: the Inventory API cannot move quantities to or from this state" (Square's InventoryState).
READ_ONLY_STATES = frozenset({
    "CUSTOM", "RETURNED_BY_CUSTOMER", "RESERVED_FOR_SALE", "SOLD_ONLINE", "ORDERED_FROM_VENDOR",
    "RECEIVED_FROM_VENDOR", "IN_TRANSIT_TO", "IN_TRANSIT",
})
READ_ONLY_DETAIL = "{state} is read-only: the Inventory API cannot move quantities to or from it."  # wording unverified
MAX_COUNT_IDS = 1000  # undocumented by Square; the sheet's choice
MAX_CHANGES = 100
MAX_LIMIT = 1000
OCCURRED_AT_MAX_AGE = timedelta(hours=24)
CLOCK_SKEW = timedelta(seconds=60)  # tolerated for occurred_at "in the future"
CHANGE_TYPES = ("PHYSICAL_COUNT", "ADJUSTMENT", "TRANSFER")
ANSWERS_KEPT = 32  # whole answers kept for their next pages: an index reads a few stores' pages at once


def count_json(c: Count, variation_id: str) -> dict[str, Any]:
    return {"catalog_object_id": variation_id, "catalog_object_type": "ITEM_VARIATION", "state": c.state,
            "location_id": c.store.code, "quantity": quantity(c.quantity),
            "calculated_at": rfc3339(c.calculated_at)}


class InventoryApi:
    def __init__(self, world: World, catalog: Catalog, book: StockBook, cursors: Cursors,
                 keys: IdempotencyKeys, clock: Clock = utcnow) -> None:
        self.world, self.catalog, self.book = world, catalog, book
        self.cursors, self.keys, self.clock = cursors, keys, clock
        self._change_ids = count(1)
        self._answers: LRUCache[tuple[str, int], list[Count]] = LRUCache(maxsize=ANSWERS_KEPT)

    def routes(self) -> list[Route]:
        return [("POST", "/v2/inventory/counts/batch-retrieve", self.batch_retrieve_counts),
                ("POST", "/v2/inventory/changes/batch-create", self.batch_change)]

    async def batch_retrieve_counts(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        ids = body.texts("catalog_object_ids", max_items=MAX_COUNT_IDS)
        location_ids = body.texts("location_ids")
        states = {s for s in body.enums("states", INVENTORY_STATES) or () if s not in IGNORED_IN_FILTER}
        updated_after = body.instant("updated_after")
        limit = check_limit(body.integer("limit"), 1, MAX_LIMIT, MAX_LIMIT)
        query = {k: v for k, v in body.data.items() if k not in ("cursor", "limit")}
        fingerprint = (json.dumps(query, sort_keys=True, default=str), self.book.version)
        counts = self._answers.get(fingerprint)
        if counts is None:  # the next pages of the same query reuse it, as long as no count changed
            counts = [c for c in self._counts(location_ids, ids)
                      if (not states or c.state in states)
                      and (updated_after is None or c.calculated_at > updated_after)]
            counts.sort(key=attrgetter("calculated_at"), reverse=True)  # stable: ties stay in store, product order
            self._answers[fingerprint] = counts
        page, cursor = self.cursors.page("inventory-counts", query, body.text("cursor"), counts, limit)
        return reply(compact({"counts": [self._json(c) for c in page], "cursor": cursor}))

    async def batch_change(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        key = body.required_text("idempotency_key", max_length=128)
        if (answer := self.keys.replay("inventory-change", key, body.data)) is not None:
            return reply(answer)
        now = self.clock()
        parsed = [self._adjustment(change, now) for change in body.children("changes", max_items=MAX_CHANGES)]
        moves = [move for move, _ in parsed]
        try:
            self.book.apply(moves, now)
        except Overdraw as error:
            raise invalid(f"Not enough stock in {moves[error.index].from_state}: {quantity(error.available)} "
                          "available.", f"changes[{error.index}].adjustment.quantity") from None
        answer = compact({"counts": self._touched(moves), "changes": [echo for _, echo in parsed]})
        self.keys.remember("inventory-change", key, body.data, answer)
        return reply(answer)

    def _counts(self, location_ids: list[str] | None, ids: list[str] | None) -> list[Count]:
        """Counts of the variations asked for, or of everything a store tracks when none are named, by store
        code, product and state (TRACKED_STATES' order): the answer's order but for the newest first."""
        known = self.world.store_by_code
        stores = [known[c] for c in dict.fromkeys(location_ids) if c in known] if location_ids \
            else list(self.world.stores)
        stores.sort(key=attrgetter("code"))
        if not ids:
            return [c for store in stores for c in self.book.store_counts(store)]
        products = sorted(self._products(ids), key=attrgetter("index"))
        return [c for store in stores for product in products for c in self.book.counts(store, product)]

    def _products(self, ids: list[str]) -> list[DemoProduct]:
        found = (self.catalog.product_by_variation.get(i) for i in dict.fromkeys(ids))
        return [p for p in found if p is not None]

    def _json(self, c: Count) -> dict[str, Any]:
        return count_json(c, self.catalog.variation_by_product[c.product.index])

    def _touched(self, moves: list[Move]) -> list[dict[str, Any]]:
        states: dict[tuple[DemoStore, DemoProduct], set[str]] = {}
        for m in moves:
            states.setdefault((m.store, m.product), set()).update({m.from_state, m.to_state})
        return [self._json(c) for (store, product), also in states.items()
                for c in self.book.counts(store, product, also)]

    def _adjustment(self, change: Body, now: datetime) -> tuple[Move, dict[str, Any]]:
        """Validates one change; returns the move and the change as Square echoes it."""
        kind = change.enum("type", CHANGE_TYPES, required=True)
        if kind != "ADJUSTMENT":
            raise bad_request("BAD_REQUEST", f"{kind} changes are not supported by this simulator.",
                              change.field("type"))
        adj = change.child("adjustment", required=True)
        assert adj is not None
        from_state = adj.enum("from_state", INVENTORY_STATES, required=True)
        to_state = adj.enum("to_state", INVENTORY_STATES, required=True)
        for name, state in (("from_state", from_state), ("to_state", to_state)):
            if state in READ_ONLY_STATES:
                raise invalid(READ_ONLY_DETAIL.format(state=state), adj.field(name))
        if (from_state, to_state) not in ALLOWED_MOVES:
            raise invalid(f"Stock cannot move from {from_state} to {to_state}.", adj.field("to_state"))
        store = self.world.store_by_code.get(adj.required_text("location_id"))
        if store is None:
            raise invalid("Unknown location.", adj.field("location_id"))
        variation_id = adj.required_text("catalog_object_id")
        product = self.catalog.product_by_variation.get(variation_id)
        if product is None or product.delisted:
            raise invalid("Unknown or deleted item variation.", adj.field("catalog_object_id"))
        if not adj.has("quantity"):
            raise missing(adj.field("quantity"))
        amount = parse_quantity(adj.data["quantity"], adj.field("quantity"))
        occurred_at = adj.instant("occurred_at", required=True)
        assert occurred_at is not None and from_state is not None and to_state is not None
        if not now - OCCURRED_AT_MAX_AGE <= occurred_at <= now + CLOCK_SKEW:
            raise invalid("occurred_at must be within the last 24 hours and not in the future.",
                          adj.field("occurred_at"))
        echo = compact({
            "id": opaque_id("adjustment", next(self._change_ids), now.timestamp()),
            "reference_id": adj.text("reference_id", max_length=255),
            "from_state": from_state, "to_state": to_state, "location_id": store.code,
            "catalog_object_id": variation_id, "catalog_object_type": "ITEM_VARIATION",
            "quantity": quantity(amount), "occurred_at": rfc3339(occurred_at), "created_at": rfc3339(now),
            "source": {"product": "EXTERNAL_API"},
        })
        return Move(store, product, from_state, to_state, amount), {"type": "ADJUSTMENT", "adjustment": echo}
