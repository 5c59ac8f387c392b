"""Reading records by id: one (`GET /sobjects/{type}/{id}`) or up to 2,000 (`/composite/sobjects/{type}`)."""

from collections.abc import Sequence

from .calls import Call, Org, Reply, json_object
from .engine import render
from .errors import ApiError, no_such_entity_column, not_found
from .store import Table
from .values import Field

MAX_IDS = 2000


def get_record(org: Org, call: Call) -> Reply:
    table = org.table(call.params["sObject"])
    record_id = table.resolve(call.params["id"])
    if record_id is None:
        raise not_found()
    names = call.query.get("fields")
    fields = _fields(table, names.split(",")) if names else table.sobject.fields
    return Reply(200, render(table, record_id, fields))


def retrieve_get(org: Org, call: Call) -> Reply:
    ids, names = call.query.get("ids"), call.query.get("fields")
    return _retrieve(org.table(call.params["sObject"]), ids.split(",") if ids else None,
                     names.split(",") if names else None)


def retrieve_post(org: Org, call: Call) -> Reply:
    body = json_object(call.body)
    ids, names = body.get("ids"), body.get("fields")
    return _retrieve(org.table(call.params["sObject"]), ids if isinstance(ids, list) and ids else None,
                     names if isinstance(names, list) and names else None)


def _retrieve(table: Table, ids: Sequence[object] | None, names: Sequence[object] | None) -> Reply:
    """Records in the order of `ids`, null where an id finds nothing."""
    if ids is None or names is None:
        raise ApiError(400, "MISSING_ARGUMENT", "Both ids and fields are required to retrieve records")
    if len(ids) > MAX_IDS:
        raise ApiError(400, "EXCEEDED_ID_LIMIT",
                       f"record limit reached. cannot submit more than {MAX_IDS} records into this call")
    fields = _fields(table, names)
    found = (table.resolve(i.strip()) if isinstance(i, str) else None for i in ids)
    return Reply(200, [None if i is None else render(table, i, fields) for i in found])


def _fields(table: Table, names: Sequence[object]) -> tuple[Field, ...]:
    fields = []
    for name in names:
        field = table.sobject.field(name.strip()) if isinstance(name, str) else None
        if field is None:
            raise ApiError(400, "INVALID_FIELD", no_such_entity_column(str(name), table.sobject.name))
        fields.append(field)
    return tuple(dict.fromkeys(fields))
