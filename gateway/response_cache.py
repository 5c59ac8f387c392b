"""Whole responses to public queries, for callers who all see the same answer: anonymous shoppers and partners.

A response is kept only when it was answered whole (no error, nothing stale), for no longer than the soonest
expiry of the cached answers it was built from (`Freshness`) nor the TTL of any kind of data it holds, and
keyed by the document, the operation, the variables and the principal's class (role and scopes). A write in
this process outdates every kept response that holds stock, and with replicas sharing a Redis it is published
(`on_written`) so that every other replica's kept responses holding stock are outdated too (`outdate`). Other
writes (a sale at the till), and replicas' writes while Redis is down, reach them within the stock TTL.

The responses themselves stay in each process: they are whole bodies keyed by document and variables, as
cheap to rebuild from the shared reference caches as to fetch from Redis, and kept for seconds only.
"""

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from cachetools import TLRUCache
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode

from .auth.principals import Principal, Role
from .response_plan import Kind, public_kinds
from .settings import Settings

RESPONSE_CACHE_LABEL = "response"  # the `cache` label of `omnigate_cache_lookups`
SHARED_ROLES = frozenset({Role.ANONYMOUS, Role.PARTNER})
PLANS_KEPT = 1000
MEBIBYTE = 1 << 20

Key = tuple[str, str | None, str, str]


@dataclass(frozen=True, slots=True)
class Kept:
    body: dict[str, Any]
    stored_at: float
    expires_at: float
    stock_generation: int | None  # the writes seen when it was built, for responses holding stock


class ResponseCache:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = settings.response_cache_mb > 0
        self._clock = clock
        self._ttl = {Kind.CATALOG: settings.catalog_ttl_s, Kind.PRICE: settings.price_ttl_s,
                     Kind.STOCK: settings.stock_ttl_s, Kind.STORE: settings.catalog_ttl_s}
        self._kept: TLRUCache[Key, Kept] = TLRUCache(
            maxsize=max(1, settings.response_cache_mb * MEBIBYTE), ttu=lambda _k, kept, _now: kept.expires_at,
            timer=clock, getsizeof=_size)
        self._plans: dict[tuple[str, str | None], frozenset[Kind] | None] = {}
        self._stock_generation = 0
        self._written: list[Callable[[], None]] = []

    def plan(self, schema: GraphQLSchema, text: str, document: DocumentNode,
             operation: OperationDefinitionNode, principal: Principal) -> "Plan | None":
        """How this request's response may be kept, or None when it may not (the caller or the data)."""
        if not self.enabled or principal.role not in SHARED_ROLES:
            return None
        digest = hashlib.sha256(text.encode()).hexdigest()
        name = operation.name.value if operation.name else None
        if (digest, name) not in self._plans:
            if len(self._plans) >= PLANS_KEPT:
                self._plans.pop(next(iter(self._plans)))
            self._plans[(digest, name)] = public_kinds(schema, document, operation)
        kinds = self._plans[(digest, name)]
        if not kinds:  # not public, or reads no data at all (`{ __typename }`): nothing worth keeping
            return None
        return Plan((digest, name, "", _principal_class(principal)), kinds)

    @property
    def generation(self) -> int:
        """Counts the writes seen: a response built across a write is not kept."""
        return self._stock_generation

    def written(self) -> None:
        """A write ran in this process: every kept response holding stock is out of date, here and elsewhere."""
        self.outdate()
        for tell in self._written:
            tell()

    def outdate(self) -> None:
        """Every kept response holding stock is out of date (a write here or on another replica)."""
        self._stock_generation += 1

    def clear(self) -> None:
        """Every kept response is out of date (the catalog or prices changed in a back office)."""
        self._kept.clear()
        self._stock_generation += 1

    def on_written(self, tell: Callable[[], None]) -> None:
        """`tell()` after each write in this process: how other replicas hear of it."""
        self._written.append(tell)

    def lookup(self, plan: "Plan", variables: Mapping[str, Any]) -> dict[str, Any] | None:
        """The kept body with `extensions.responseCache` saying so and its age, or None."""
        kept = self._kept.get(plan.key(variables))
        if kept is None or (Kind.STOCK in plan.kinds and kept.stock_generation != self._stock_generation):
            return None
        age_ms = int((self._clock() - kept.stored_at) * 1000)
        return {**kept.body, "extensions": {**kept.body.get("extensions", {}),
                                            "responseCache": {"hit": True, "ageMs": age_ms}}}

    def keep(self, plan: "Plan", variables: Mapping[str, Any], body: dict[str, Any], fresh_for_s: float,
             generation: int) -> None:
        """Keeps a whole, fresh answer built with no write in between (`generation` unchanged)."""
        if "errors" in body or "staleSources" in body.get("extensions", {}) or generation != self.generation:
            return
        ttl = min([fresh_for_s, *(self._ttl[k] for k in plan.kinds)])
        if ttl <= 0:
            return
        now = self._clock()
        stock_generation = generation if Kind.STOCK in plan.kinds else None
        self._kept[plan.key(variables)] = Kept(body, now, now + ttl, stock_generation)


@dataclass(frozen=True)
class Plan:
    """One document's entry in the cache: its key without the variables, and the kinds of data it reads."""

    document_key: Key
    kinds: frozenset[Kind]

    def key(self, variables: Mapping[str, Any]) -> Key:
        digest, name, _, principal = self.document_key
        return digest, name, json.dumps(variables, sort_keys=True, separators=(",", ":")), principal


def _principal_class(principal: Principal) -> str:
    return f"{principal.role.value}:{','.join(sorted(principal.scopes))}"


def _size(kept: Kept) -> int:
    """Bytes the body takes as JSON: what the size bound is about, measured once when kept (orjson: a tenth of the
    standard library's time, and what the response itself is written with)."""
    try:
        return len(orjson.dumps(kept.body)) + 200
    except TypeError:  # an integer past 64 bits, which only the standard library writes
        return len(json.dumps(kept.body, separators=(",", ":"))) + 200
