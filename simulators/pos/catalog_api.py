"""SearchCatalogObjects, BatchRetrieveCatalogObjects and CatalogInfo over the POS catalog."""

from collections.abc import Callable

from aiohttp import web

from .body import Body, missing, too_long
from .catalog import Catalog, Json
from .errors import bad_request
from .paging import Cursors
from .routing import Route, reply
from .wire import compact

SET_QUERY_MAX_VALUES = 250
BATCH_RETRIEVE_MAX_IDS = 1000
SEARCH_MAX_LIMIT = 1000
SEARCH_DEFAULT_LIMIT = 100
OBJECT_TYPES = (
    "ITEM", "IMAGE", "CATEGORY", "ITEM_VARIATION", "TAX", "DISCOUNT", "MODIFIER_LIST", "MODIFIER",
    "PRICING_RULE", "PRODUCT_SET", "TIME_PERIOD", "MEASUREMENT_UNIT", "SUBSCRIPTION_PLAN_VARIATION",
    "ITEM_OPTION", "ITEM_OPTION_VAL", "CUSTOM_ATTRIBUTE_DEFINITION", "QUICK_AMOUNTS_SETTINGS",
    "SUBSCRIPTION_PLAN", "AVAILABILITY_PERIOD",
)
QUERY_KINDS = (
    "exact_query", "set_query", "prefix_query", "range_query", "text_query", "sorted_attribute_query",
    "items_for_tax_query", "items_for_modifier_list_query", "items_for_item_options_query",
    "item_variations_for_item_option_values_query",
)

Predicate = Callable[[Json], bool]


def attribute(obj: Json, name: str) -> str | None:
    """A searchable attribute (sku, upc, name, item_id, product_type, ...) of an object's data block."""
    data = obj.get("item_variation_data") or obj.get("item_data") or {}
    value = data.get(name)
    return value if isinstance(value, str) else None


def _exact(query: Body) -> Predicate:
    name = query.required_text("attribute_name")
    wanted = query.required_text("attribute_value").casefold()
    return lambda obj: (attribute(obj, name) or "\0").casefold() == wanted


def _set(query: Body) -> Predicate:
    name = query.required_text("attribute_name")
    values = query.texts("attribute_values", max_items=SET_QUERY_MAX_VALUES)
    if values is None:
        raise missing(query.field("attribute_values"))
    wanted = {v.casefold() for v in values}
    return lambda obj: (attribute(obj, name) or "\0").casefold() in wanted


def _prefix(query: Body) -> Predicate:
    name = query.required_text("attribute_name")
    prefix = query.required_text("attribute_prefix").casefold()
    return lambda obj: (attribute(obj, name) or "\0").casefold().startswith(prefix)


_BUILDERS: dict[str, Callable[[Body], Predicate]] = {
    "exact_query": _exact, "set_query": _set, "prefix_query": _prefix,
}


def compile_query(query: Body | None) -> Predicate:
    """One predicate for the query's parts, AND-ed; set_query stands alone, as Square requires."""
    if query is None:
        return lambda obj: True
    kinds = [k for k in QUERY_KINDS if query.has(k)]
    if "set_query" in kinds and len(kinds) > 1:
        raise bad_request("BAD_REQUEST", "set_query cannot be combined with other query types.", "query")
    predicates = []
    for kind in kinds:
        if kind not in _BUILDERS:
            raise bad_request("BAD_REQUEST", f"{kind} is not supported by this simulator.", f"query.{kind}")
        child = query.child(kind)
        assert child is not None
        predicates.append(_BUILDERS[kind](child))
    return lambda obj: all(p(obj) for p in predicates)


class CatalogApi:
    def __init__(self, catalog: Catalog, cursors: Cursors) -> None:
        self.catalog = catalog
        self.cursors = cursors

    def routes(self) -> list[Route]:
        return [("POST", "/v2/catalog/search", self.search_objects),
                ("POST", "/v2/catalog/batch-retrieve", self.batch_retrieve),
                ("GET", "/v2/catalog/info", self.info)]

    async def search_objects(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        types = body.enums("object_types", OBJECT_TYPES)
        with_deleted = body.flag("include_deleted_objects")
        matches = compile_query(body.child("query"))
        limit = body.integer("limit")
        if limit is None or not 1 <= limit <= SEARCH_MAX_LIMIT:  # advisory: out of range is ignored
            limit = SEARCH_DEFAULT_LIMIT
        found = [o for o in self.catalog.ordered if (types is None or o["type"] in types)
                 and (with_deleted or not o["is_deleted"]) and matches(o)]
        query = {k: v for k, v in body.data.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("catalog", query, body.text("cursor"), found, limit)
        related = self._related(page) if body.flag("include_related_objects") else []
        return reply(compact({"objects": page, "related_objects": related, "cursor": cursor,
                              "latest_time": self.catalog.updated_at}))

    async def batch_retrieve(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        ids = body.texts("object_ids")
        if ids is None:
            raise missing("object_ids")
        if len(ids) > BATCH_RETRIEVE_MAX_IDS:
            raise too_long("object_ids", BATCH_RETRIEVE_MAX_IDS)
        objects = [self.catalog.by_id[i] for i in dict.fromkeys(ids) if i in self.catalog.by_id]
        related = self._related(objects) if body.flag("include_related_objects") else []
        return reply(compact({"objects": objects, "related_objects": related}))

    async def info(self, request: web.Request) -> web.Response:
        return reply({"limits": {
            "batch_retrieve_max_object_ids": BATCH_RETRIEVE_MAX_IDS,
            "search_max_page_limit": SEARCH_MAX_LIMIT,
            "batch_upsert_max_objects_per_batch": 1000, "batch_upsert_max_total_objects": 10000,
            "batch_delete_max_object_ids": 200, "update_item_taxes_max_item_ids": 1000,
            "update_item_modifier_lists_max_item_ids": 1000,
        }})

    def _related(self, objects: list[Json]) -> list[Json]:
        """The parent ITEMs of the variations returned, each once, unless already among the objects."""
        shown = {o["id"] for o in objects}
        related: dict[str, Json] = {}
        for obj in objects:
            parent = self.catalog.parent_of(obj)
            if parent is not None and parent["id"] not in shown:
                related.setdefault(parent["id"], parent)
        return list(related.values())

