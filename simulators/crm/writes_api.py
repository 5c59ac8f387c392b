"""The write endpoints: PATCH one record, upsert on an external id, and the 200-record collections."""

from collections.abc import Callable
from dataclasses import replace

from .calls import Call, Org, Reply, json_object
from .errors import ApiError, Json, Problem, json_parser_error, not_found, rolled_back
from .ids import full_id
from .store import Store, Table
from .values import Field
from .writes import Outcome, matches, update, upsert

MAX_RECORDS = 200


def update_record(org: Org, call: Call) -> Reply:
    table = org.table(call.params["sObject"])
    record_id = table.resolve(call.params["id"])
    if record_id is None:
        raise not_found()
    outcome = update(org.store, table, record_id, json_object(call.body))
    return _refused(outcome) or Reply(204)


def upsert_record(org: Org, call: Call) -> Reply:
    table = org.table(call.params["sObject"])
    ext = _external_id(table, call.params["fieldName"])
    body = json_object(call.body)
    found = matches(table, ext, call.params["fieldValue"])
    if len(found) > 1:
        return Reply(300, [table.sobject.url(i) for i in found])
    outcome = upsert(org.store, table, ext, call.params["fieldValue"], body)
    if refused := _refused(outcome):
        return refused
    assert outcome.record_id is not None
    headers = {"Location": table.sobject.url(outcome.record_id)} if outcome.created else {}
    return Reply(201 if outcome.created else 200, _result(outcome, with_created=True), headers)


def update_collection(org: Org, call: Call) -> Reply:
    body = json_object(call.body)
    records = _records(body)
    outcomes = _all_or_none(org.store, body, lambda: [_update_one(org.store, r) for r in records])
    return Reply(200, [_result(o, with_created=False) for o in outcomes])


def upsert_collection(org: Org, call: Call) -> Reply:
    table = org.table(call.params["sObject"])
    ext = _external_id(table, call.params["fieldName"])
    body = json_object(call.body)
    records = _records(body)
    outcomes = _all_or_none(org.store, body, lambda: [_upsert_one(org.store, table, ext, r) for r in records])
    return Reply(200, [_result(o, with_created=True) for o in outcomes])


def _refused(outcome: Outcome) -> Reply | None:
    return Reply(400, [p.as_request_error() for p in outcome.problems]) if outcome.problems else None


def _external_id(table: Table, name: str) -> Field:
    ext = table.sobject.field(name)
    if ext is None or not ext.external_id:
        raise ApiError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {name}")
    return ext


def _records(body: dict[str, object]) -> list[dict[str, object]]:
    records = body.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise json_parser_error("Cannot deserialize the request: 'records' must be an array of objects")
    if len(records) > MAX_RECORDS:
        raise ApiError(400, "EXCEEDED_ID_LIMIT",
                       f"record limit reached. cannot submit more than {MAX_RECORDS} records into this call")
    return records


def _all_or_none(store: Store, body: dict[str, object], write: Callable[[], list[Outcome]]) -> list[Outcome]:
    """Writes record by record; with `allOrNone` one failure rolls back the rest. A bad body rolls back all."""
    with store.journal.savepoint() as rollback:
        try:
            outcomes = write()
        except ApiError:
            rollback()
            raise
        if body.get("allOrNone") is True and any(o.problems for o in outcomes):
            rollback()
            return [o if o.problems else replace(o, record_id=None if o.created else o.record_id, created=False,
                                                 problems=[rolled_back()]) for o in outcomes]
    return outcomes


def _update_one(store: Store, record: dict[str, object]) -> Outcome:
    table = _typed(store, record)
    if isinstance(table, Problem):
        return Outcome(None, problems=[table])
    raw_id = next((v for k, v in record.items() if k.lower() == "id"), None)
    if not isinstance(raw_id, str) or not raw_id:
        return Outcome(None, problems=[Problem("MISSING_ARGUMENT", "Id not specified in an update call")])
    record_id = table.resolve(raw_id)
    if record_id is None:
        return Outcome(None, problems=[_bad_id(table, raw_id)])
    return update(store, table, record_id, {k: v for k, v in record.items() if k.lower() != "id"})


def _upsert_one(store: Store, table: Table, ext: Field, record: dict[str, object]) -> Outcome:
    typed = _typed(store, record) if "attributes" in record else table
    if typed is not table:
        return Outcome(None, problems=[typed if isinstance(typed, Problem) else _wrong_type(table)])
    raw_value = next((v for k, v in record.items() if k.lower() == ext.name.lower()), None)
    return upsert(store, table, ext, raw_value, record)


def _typed(store: Store, record: dict[str, object]) -> Table | Problem:
    attributes = record.get("attributes")
    name = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(name, str):
        return Problem("INVALID_TYPE", "Must send a concrete entity type.")
    return store.table(name) or Problem("INVALID_TYPE", f"sObject type '{name}' is not supported.")


def _wrong_type(table: Table) -> Problem:
    return Problem("INVALID_TYPE", f"Record type does not match the sObject type of the call: {table.sobject.name}")


def _bad_id(table: Table, raw_id: str) -> Problem:
    if full_id(raw_id) is None or not raw_id.startswith(table.sobject.prefix):
        return Problem("MALFORMED_ID", f"{table.sobject.name} ID: id value of incorrect type: {raw_id}", ("Id",))
    return Problem("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")


def _result(outcome: Outcome, with_created: bool) -> dict[str, Json]:
    result: dict[str, Json] = {} if outcome.record_id is None else {"id": outcome.record_id}
    result |= {"success": not outcome.problems, "errors": [p.as_record_error() for p in outcome.problems]}
    if with_created:
        result["created"] = outcome.created
    return result
