"""Updating and upserting one record: the checks Salesforce makes, then the write to the overlay.

A body naming an unknown field or holding a value of the wrong JSON type cannot be deserialized and
fails the whole request (ApiError); a value the field refuses is a Problem of that record only.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import ApiError, Problem, no_such_column
from .schema import CONTACT, SObject
from .store import Store, Table
from .values import Field, Kind, Value, check, is_id, key_of, missing, parse_input

REFERENCES = {("Task", "WhoId"): CONTACT.name}
DEFAULTS: dict[str, dict[str, Value]] = {"Task": {"Status": "Not Started", "TaskSubtype": "Task"}}
READ_ONLY = ("Unable to create/update fields: {}. Please check the security settings of this field and verify that "
             "it is read/write for your profile or permission set.")


@dataclass
class Outcome:
    """What one record write did: its id when known, whether it created the record, what went wrong."""

    record_id: str | None
    created: bool = False
    problems: list[Problem] = field(default_factory=list)


def now() -> datetime:
    """The write timestamp, at the millisecond precision Salesforce keeps."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def update(store: Store, table: Table, record_id: str, body: Mapping[str, object]) -> Outcome:
    values, problems = _prepare(table.sobject, body, creating=False)
    problems += _relate(store, table, record_id, values)
    if not problems:
        table.write(record_id, {**values, **_stamps(table.sobject, creating=False)})
    return Outcome(record_id, problems=problems)


def matches(table: Table, ext: Field, value: str) -> list[str]:
    """The records whose external id equals `value` (under the field's case rule)."""
    key = key_of(ext, value)
    candidates = table.lookup(ext.name, {key})
    found = candidates if candidates is not None else set(table.ids())
    return sorted(i for i in found if key_of(ext, table.value(i, ext.name)) == key)


def upsert(store: Store, table: Table, ext: Field, raw_value: object, body: Mapping[str, object]) -> Outcome:
    """Creates the record with this external id, or updates the one record that has it."""
    value = parse_input(ext, raw_value)
    if not isinstance(value, str) or not value:
        return Outcome(None, problems=[Problem("MISSING_ARGUMENT", f"{ext.name} not specified", (ext.name,))])
    found = matches(table, ext, value)
    if len(found) > 1:
        return Outcome(None, problems=[Problem("DUPLICATE_EXTERNAL_ID", f"{ext.name}: more than one record found "
                                               f"for external id field: [{', '.join(found)}]", (ext.name,))])
    fields = {k: v for k, v in body.items() if k.lower() != ext.name.lower()}
    if found:
        return update(store, table, found[0], fields)
    values, problems = _prepare(table.sobject, {**fields, ext.name: value}, creating=True)
    problems += _relate(store, table, None, values)
    if problems:
        return Outcome(None, problems=problems)
    defaults: dict[str, Value] = {f.name: False for f in table.sobject.fields
                                  if f.kind is Kind.BOOLEAN and f.createable}
    defaults |= DEFAULTS.get(table.sobject.name, {})
    record_id = table.create({**defaults, **values, **_stamps(table.sobject, creating=True)})
    return Outcome(record_id, created=True)


def _prepare(sobject: SObject, body: Mapping[str, object], creating: bool) -> tuple[dict[str, Value], list[Problem]]:
    values: dict[str, Value] = {}
    problems: list[Problem] = []
    for name, raw in body.items():
        if name == "attributes":
            continue
        found = sobject.field(name)
        if found is None:
            raise ApiError.of(400, no_such_column(name, sobject.name))
        value = parse_input(found, raw)
        if not (found.createable if creating else found.updateable):
            problems.append(Problem("INVALID_FIELD_FOR_INSERT_UPDATE", READ_ONLY.format(found.name), (found.name,)))
            continue
        problem = check(found, value)
        if problem:
            problems.append(problem)
        values[found.name] = value
    if creating:
        problems += [missing(f) for f in sobject.fields if f.required and f.name not in values]
    return values, problems


def _relate(store: Store, table: Table, record_id: str | None, values: dict[str, Value]) -> list[Problem]:
    """Checks against other records (references exist, unique values stay unique); stores 18-character ids."""
    problems = []
    for name, value in list(values.items()):
        found = table.sobject.field(name)
        if found is None or not isinstance(value, str) or not value:
            continue
        target = REFERENCES.get((table.sobject.name, name))
        target_table = store.table(target) if target else None
        linked = target_table.resolve(value) if target_table and is_id(value) else value
        if linked is None:
            problems.append(Problem("INVALID_CROSS_REFERENCE_KEY", f"{name}: invalid cross reference id", (name,)))
        values[name] = linked
        if found.unique:
            clash = [i for i in matches(table, found, value) if i != record_id]
            if clash:
                problems.append(Problem("DUPLICATE_VALUE", f"duplicate value found: {name} duplicates value on "
                                        f"record with id: {clash[0]}", (name,)))
    return problems


def _stamps(sobject: SObject, creating: bool) -> dict[str, Value]:
    moment = now()
    names = ("CreatedDate", "LastModifiedDate") if creating else ("LastModifiedDate",)
    return {name: moment for name in names if sobject.field(name)}
