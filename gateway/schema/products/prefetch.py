"""What a product's fields will read, started as soon as its sku is known.

A product's price, store stock, web shop record and accessories are keyed by its sku (through the
crosswalk), not by its ERP record. So whoever loads products by sku first starts, in the same batch as the
records, the loads of the fields the document selects; the fields then await the same loader futures and the
whole product comes back in one level. A product found unknown or delisted just leaves its loads unread.
"""

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from functools import partial

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from connectors.domain import GeoPoint, Relation
from connectors.errors import ConnectorError

from ...context import Context
from ...crosswalk import Crosswalk
from ...errors import GatewayError
from ..pagination import check_first
from ..relay import parse_global_id
from .nearby import NEAREST_FIRST, Reach, nearby_stores, rings, stocked

_STARTING: set["asyncio.Task[None]"] = set()  # accessories' loads being started (asyncio keeps weak references)
ONLINE_FIELDS = frozenset({"description", "images", "attributes", "onlineAvailability"})
OTHER_SYSTEMS_PRICE_FIELDS = frozenset({"consistent", "channelPrices"})


def product_fields(info: Info[Context, None], path: Sequence[str] = ()) -> list[SelectedField]:
    """The fields selected on the products the current field returns, `path` below it (e.g. edges, node)."""
    fields = list(_fields(info.selected_fields))
    for name in path:
        fields = [f for parent in fields if parent.name == name for f in _fields(parent.selections)]
    return [f for parent in fields for f in _fields(parent.selections)]


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """Fields through fragments; one skipped by @skip/@include is left out."""
    for selection in selections:
        if _skipped(selection.directives):
            continue
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def _skipped(directives: dict[str, dict[str, object]]) -> bool:
    return directives.get("skip", {}).get("if") is True or directives.get("include", {}).get("if") is False


async def start_field_loads(info: Info[Context, None], skus: Sequence[str], fields: Sequence[SelectedField]) -> None:
    """Starts the sku-keyed loads `fields` need for these canonical skus; returns without waiting for them.
    Reference data that cannot be read now (a back office down) starts nothing: each field reports it."""
    if skus and fields:
        with suppress(ConnectorError):
            await _start(info, skus, fields)


async def _start(info: Info[Context, None], skus: Sequence[str], fields: Sequence[SelectedField]) -> None:
    loaders = info.context.loaders
    crosswalk = await info.context.reference.crosswalk.get()
    gtins = [g for g in (crosswalk.gtin_of.get(sku) for sku in skus) if g]
    online = False
    for field in fields:
        if field.name == "price":
            loaders.erp_price_by_sku.prefetch(skus)
            if any(f.name in OTHER_SYSTEMS_PRICE_FIELDS for f in _fields(field.selections)):
                loaders.pos_price_by_gtin.prefetch(gtins)
                online = True
        elif field.name in ONLINE_FIELDS:
            online = True
        elif field.name == "accessories":
            relations = loaders.relations_by_sku.prefetch(skus)
            relations.add_done_callback(partial(_then_accessories, info, field))
        elif field.name in ("nearestAvailability", "availabilityInStore"):
            loaders.stock_by_gtin_and_store.prefetch(await _stock_pairs(info, crosswalk, skus, field))
    if online:
        _start_online(info, crosswalk, skus)


def _then_accessories(info: Info[Context, None], field: SelectedField,
                      relations: "asyncio.Future[list[tuple[Relation, ...]]]") -> None:
    """Once the accessories' list is in (with the product's record or before it), their own records and what
    their fields read start at once, not when the product's fields are being answered."""
    if relations.cancelled() or relations.exception() is not None:
        return
    related = list(dict.fromkeys(r.related_sku for found in relations.result() for r in found))
    if related:
        info.context.loaders.product_by_sku.prefetch(related)
        task = asyncio.ensure_future(start_field_loads(info, related, list(_fields(field.selections))))
        _STARTING.add(task)
        task.add_done_callback(_STARTING.discard)


def _start_online(info: Info[Context, None], crosswalk: Crosswalk, skus: Sequence[str]) -> None:
    if crosswalk.webshop_known:
        ids = [i for i in (crosswalk.webshop_id_of.get(sku) for sku in skus) if i]
        info.context.loaders.online_product_by_id.prefetch(ids)


async def _stock_pairs(info: Info[Context, None], crosswalk: Crosswalk, skus: Sequence[str],
                       field: SelectedField) -> list[tuple[str, str]]:
    """The (GTIN, store) pairs the stock field will ask about for each product; none when its arguments are bad
    (the field reports that)."""
    args = field.arguments
    stores = await info.context.reference.stores.get()
    try:
        if field.name == "availabilityInStore":
            _, code = parse_global_id(str(args["storeId"]), "Store")
            codes = [code] if code in stores.by_code else []
            return [(gtin, code) for sku in skus if (gtin := crosswalk.gtin_of.get(sku)) for code in codes]
        near = args["near"]
        point = GeoPoint(float(near["latitude"]), float(near["longitude"]))
        radius, first = args.get("radiusKm"), args.get("first")
        wanted = check_first(None if first is None else int(first), NEAREST_FIRST)
        in_stock_only = args.get("inStockOnly") is not False
        nearby = nearby_stores(info, stores, point, None if radius is None else float(radius), wanted,
                               in_stock_only)
    except (GatewayError, KeyError, TypeError, ValueError):
        return []
    pairs = []
    for sku in skus:
        if (gtin := crosswalk.gtin_of.get(sku)) is not None:
            reach = await stocked(info, sku, nearby) if in_stock_only else Reach(nearby)
            pairs += [(gtin, n.store.code) for n in next(rings(reach, wanted), [])]  # most answers stop there
    return pairs
