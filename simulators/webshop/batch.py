"""`POST …/batch` as `WC_REST_Controller::batch_items` runs it: one request, many items, no atomicity.

Each item runs on its own; a failed one becomes `{"id", "error": {code, message, data}}` in its
place and the others still happen.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import web

from .php import php_int
from .wp import Json, WpError, body_params

BATCH_LIMIT = 100  # `woocommerce_rest_batch_items_limit`, unfiltered


@dataclass(frozen=True, slots=True)
class Batch:
    create: list[Any]
    update: list[Any]
    delete: list[Any]


async def read_batch(request: web.Request) -> Batch:
    """The three lists of the body; more than 100 items in all is refused with a 413 before any runs."""
    body = await body_params(request)
    parts: dict[str, list[Any]] = {key: _list(body.get(key)) for key in ("create", "update", "delete")}
    if sum(len(items) for items in parts.values()) > BATCH_LIMIT:
        raise WpError("woocommerce_rest_request_entity_too_large",
                      f"Unable to accept more than {BATCH_LIMIT} items for this request.", 413)
    return Batch(parts["create"], parts["update"], parts["delete"])


def run_batch(batch: Batch, create: Callable[[dict[str, Any]], Json], update: Callable[[dict[str, Any]], Json],
              delete: Callable[[int], Json]) -> Json:
    result: Json = {}
    if batch.create:
        result["create"] = [_attempt(partial(create, _object(item)), 0) for item in batch.create]
    if batch.update:
        result["update"] = [_attempt(partial(update, _object(item)), _object(item).get("id"))
                            for item in batch.update]
    deleted = [_attempt(partial(delete, item_id), item_id) for item_id in map(php_int, batch.delete) if item_id]
    if deleted:
        result["delete"] = deleted
    return result


def _attempt(action: Callable[[], Json], item_id: object) -> Json:
    try:
        return action()
    except WpError as error:
        return {"id": item_id, "error": {"code": error.code, "message": error.message, "data": error.data}}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _object(item: object) -> dict[str, Any]:
    return item if isinstance(item, dict) else {}
