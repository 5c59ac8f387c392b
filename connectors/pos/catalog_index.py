"""Which Square item variation is which article: GTIN <-> variation id, learnt from catalog answers and kept.

Square's catalog object ids never change, so once a GTIN has been found its
variation id serves every later stock read without another search. The whole
list of live variations is read ahead (`preload`, at start and on each refresh
of the reference data), so a stock read is one call (the counts); a GTIN not
known yet is searched again each time (it may have been added since). Prices
and stock of one request ask for the same GTINs at the same moment: a search
already in flight for a GTIN is joined, not repeated.
"""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..resilience import deadline
from .square_client import Json, SquareClient, chunked, gather_map, objects

SEARCH_PATH = "/v2/catalog/search"
RETRIEVE_PATH = "/v2/catalog/batch-retrieve"
SET_QUERY_MAX_VALUES = 250  # SearchCatalogObjects set_query.attribute_values
SEARCH_PAGE_LIMIT = 1000  # so one set_query of 250 values is one page
RETRIEVE_MAX_IDS = 1000  # BatchRetrieveCatalogObjects object_ids (CatalogInfo batch_retrieve_max_object_ids)


@dataclass(frozen=True, slots=True)
class Variation:
    """What the adapter remembers of a variation: its handles and names. Prices are read live, never from here."""

    id: str
    gtin: str | None
    sku: str | None
    name: str  # the variation's own name, often generic ("Regular", "Standard")
    item_name: str | None  # the parent item's name ("Bike fitting"), when Square sent the item along
    deleted: bool

    @property
    def title(self) -> str:
        """What a person calls it: the item's name, the variation's when the item is unknown."""
        return self.item_name or self.name


def _text(data: Json, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def variation_of(obj: Json, items: dict[str, Json]) -> Variation | None:
    data = obj.get("item_variation_data")
    if obj.get("type") != "ITEM_VARIATION" or not isinstance(data, dict) or not isinstance(obj.get("id"), str):
        return None
    item = items.get(str(data.get("item_id")), {}).get("item_data") or {}
    return Variation(obj["id"], _text(data, "upc"), _text(data, "sku"), _text(data, "name") or "",
                     _text(item, "name"), bool(obj.get("is_deleted")))


def _items(answer: Json) -> dict[str, Json]:
    return {o["id"]: o for o in objects(answer, "related_objects") + objects(answer, "objects")
            if o.get("type") == "ITEM" and isinstance(o.get("id"), str)}


class CatalogIndex:
    def __init__(self, api: SquareClient) -> None:
        self.api = api
        self._id_by_gtin: dict[str, str] = {}
        self._by_id: dict[str, Variation] = {}
        self._gtin_by_id: dict[str, str] = {}  # the reverse of _id_by_gtin, rebuilt after it changes
        self._inflight: dict[str, asyncio.Task[dict[str, Json]]] = {}

    async def search_gtins(self, gtins: Sequence[str]) -> dict[str, Json]:
        """The live (not deleted) variation object per GTIN found, read now: one search per 250 GTINs
        not already being searched for."""
        asked = list(dict.fromkeys(gtins))
        fresh = [g for g in asked if g not in self._inflight]
        if fresh:
            task = deadline.shared(self._search_now(fresh))
            self._inflight.update(dict.fromkeys(fresh, task))
            task.add_done_callback(lambda _: self._forget_inflight(fresh, task))
        tasks = list({id(t): t for t in (self._inflight[g] for g in asked)}.values())
        found: dict[str, Json] = {}
        for answer in await deadline.wait_shared(asyncio.gather(*tasks), self.api.system):
            found.update(answer)
        return {g: found[g] for g in asked if g in found}

    def _forget_inflight(self, gtins: list[str], task: "asyncio.Task[dict[str, Json]]") -> None:
        for g in gtins:
            if self._inflight.get(g) is task:
                del self._inflight[g]

    async def _search_now(self, asked: list[str]) -> dict[str, Json]:
        """The answer is the truth for the GTINs asked: a GTIN no longer found forgets its variation id."""
        found: dict[str, Json] = {}
        for answer in await gather_map(chunked(asked, SET_QUERY_MAX_VALUES), self._search):
            for obj in answer:
                variation = self._learn(obj, {})
                if variation is not None and variation.gtin is not None and not variation.deleted:
                    found.setdefault(variation.gtin, obj)
        for gtin in asked:
            if gtin in found:
                self._id_by_gtin[gtin] = found[gtin]["id"]
            else:
                self._id_by_gtin.pop(gtin, None)
        self._gtin_by_id = {}
        return found

    async def preload(self) -> frozenset[str]:
        """Every live variation's id by GTIN, read whole (pages of 1,000 variations, no query, pos.md §2); it
        replaces what was learnt, so a GTIN gone from the catalog is forgotten. The GTINs the POS sells."""
        body = {"object_types": ["ITEM_VARIATION"], "limit": SEARCH_PAGE_LIMIT}
        found: dict[str, str] = {}
        for obj in await self.api.read_all(SEARCH_PATH, body, "objects"):
            variation = variation_of(obj, {})  # not kept whole: without its item, its title is unknown
            if variation is not None and variation.gtin is not None and not variation.deleted:
                found.setdefault(variation.gtin, variation.id)
        self._id_by_gtin, self._gtin_by_id = found, {}
        return frozenset(found)

    async def ids_of(self, gtins: Sequence[str]) -> dict[str, str]:
        """Variation id per known GTIN; GTINs not learnt yet cost one search per 250."""
        missing = [g for g in dict.fromkeys(gtins) if g not in self._id_by_gtin]
        if missing:
            await self.search_gtins(missing)
        return {g: self._id_by_gtin[g] for g in gtins if g in self._id_by_gtin}

    async def gtins_of(self, ids: Iterable[str]) -> dict[str, str]:
        """The GTIN of each live variation id; ids not learnt from a search are retrieved (1,000 a call), and a
        variation without a GTIN or deleted is left out."""
        wanted = list(dict.fromkeys(ids))
        if not self._gtin_by_id:
            self._gtin_by_id = {i: g for g, i in self._id_by_gtin.items()}
        missing = [i for i in wanted if i not in self._gtin_by_id]
        found = {i: v.gtin for i, v in (await self.variations(missing)).items()
                 if v.gtin is not None and not v.deleted} if missing else {}
        return {i: g for i in wanted if (g := self._gtin_by_id.get(i) or found.get(i)) is not None}

    async def variations(self, ids: Iterable[str]) -> dict[str, Variation]:
        """Variations by id, deleted ones included (old receipts point at them); unknown ids left out."""
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in self._by_id]
        if missing:
            await gather_map(chunked(missing, RETRIEVE_MAX_IDS), self._retrieve)
        return {i: self._by_id[i] for i in wanted if i in self._by_id}

    async def _search(self, gtins: Sequence[str]) -> list[Json]:
        body = {"object_types": ["ITEM_VARIATION"], "limit": SEARCH_PAGE_LIMIT,
                "query": {"set_query": {"attribute_name": "upc", "attribute_values": list(gtins)}}}
        return await self.api.read_all(SEARCH_PATH, body, "objects")

    async def _retrieve(self, ids: Sequence[str]) -> None:
        answer = await self.api.read(RETRIEVE_PATH, {"object_ids": list(ids), "include_related_objects": True,
                                                     "include_deleted_objects": True})
        items = _items(answer)
        for obj in objects(answer, "objects"):
            self._learn(obj, items)

    def _learn(self, obj: Json, items: dict[str, Json]) -> Variation | None:
        variation = variation_of(obj, items)
        if variation is None:
            return None
        known = self._by_id.get(variation.id)
        if known is not None and variation.item_name is None:  # a search answer carries no items
            variation = replace(variation, item_name=known.item_name)
        self._by_id[variation.id] = variation
        return variation
