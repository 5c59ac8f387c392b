"""Runs a parsed SOQL statement against the store: names checked, an index used when one fits.

A filter on an indexed field (Id, Email, card, web shop id, ContactId, LoyaltyMemberId, WhoId…)
starts from the index's candidates, so 200 keys over 20,000 contacts cost 200 lookups, not a scan;
every condition is then checked on each candidate, so the index may over-approximate.
"""

from dataclasses import dataclass

from .errors import ApiError, Json, no_such_entity_column
from .schema import SObject
from .soql import Literal, Name, Query, SoqlError, parse
from .store import Store, Table
from .values import Field, Key, Kind, is_id, key_of, output, sort_key

_LITERAL_KINDS = {Kind.BOOLEAN: "boolean", Kind.DOUBLE: "number", Kind.DATE: "date", Kind.DATETIME: "datetime"}


@dataclass(frozen=True)
class Filter:
    field: Field
    keys: frozenset[Key]


@dataclass(frozen=True)
class Plan:
    table: Table
    fields: tuple[Field, ...]
    filters: tuple[Filter, ...]
    order: Field | None
    descending: bool
    limit: int | None
    offset: int


def plan(store: Store, text: str) -> Plan:
    """Parses and checks a statement; raises ApiError 400 as Salesforce words it."""
    try:
        return _bind(store, parse(text))
    except SoqlError as error:
        raise ApiError(400, error.code, error.message(text)) from None


def _bind(store: Store, query: Query) -> Plan:
    table = store.table(query.sobject.text)
    if table is None:
        raise SoqlError("INVALID_TYPE", f"sObject type '{query.sobject.text}' is not supported. If you are attempting "
                        "to use a custom object, be sure to append the '__c' after the entity name. Please reference "
                        "your WSDL or the describe call for the appropriate names.", query.sobject.pos)
    fields = tuple(_field(table.sobject, name) for name in query.fields)
    for n, field in enumerate(fields):
        if field in fields[:n]:
            raise SoqlError("MALFORMED_QUERY", f"duplicate field selected: {field.name}", query.fields[n].pos)
    filters = tuple(_filter(table.sobject, c.field, c.values) for c in query.where)
    order = _order(table.sobject, query.order.field) if query.order else None
    return Plan(table, fields, filters, order, bool(query.order and query.order.descending), query.limit, query.offset)


def _field(target: SObject, name: Name) -> Field:
    field = target.field(name.text)
    if field is None:
        raise SoqlError("INVALID_FIELD", no_such_entity_column(name.text, target.name), name.pos)
    return field


def _order(target: SObject, name: Name) -> Field:
    field = _field(target, name)
    if not field.sortable:
        raise SoqlError("INVALID_FIELD", f"field '{field.name}' can not be sorted in a query call", name.pos)
    return field


def _filter(target: SObject, name: Name, values: tuple[Literal, ...]) -> Filter:
    field = _field(target, name)
    if not field.filterable:
        raise SoqlError("INVALID_FIELD", f"field '{field.name}' can not be filtered in a query call", name.pos)
    return Filter(field, frozenset(_key(field, literal) for literal in values))


def _key(field: Field, literal: Literal) -> Key:
    if literal.kind == "null":
        return None
    expected = _LITERAL_KINDS.get(field.kind, "string")
    if literal.kind != expected:
        quoting = "should" if expected == "string" else "should not"
        raise SoqlError("INVALID_FIELD", f"value of filter criterion for field '{field.name}' must be of type "
                        f"{field.kind.value} and {quoting} be enclosed in quotes", literal.pos)
    value = literal.value
    if field.kind in (Kind.ID, Kind.REFERENCE) and not (isinstance(value, str) and is_id(value)):
        raise SoqlError("INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {value}", literal.pos)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return key_of(field, float(value))
    return key_of(field, value)


def run(p: Plan) -> list[str]:
    """The matching ids in result order, after OFFSET and LIMIT."""
    matched = sorted(i for i in _candidates(p) if _matches(p, i))
    if p.order is not None:
        order = p.order
        matched.sort(key=lambda i: sort_key(order, p.table.value(i, order.name)), reverse=p.descending)
    end = None if p.limit is None else p.offset + p.limit
    return matched[p.offset:end]


def _candidates(p: Plan) -> set[str] | list[str]:
    for f in p.filters:
        if None not in f.keys:
            found = p.table.lookup(f.field.name, f.keys)
            if found is not None:
                return found
    return list(p.table.ids())


def _matches(p: Plan, record_id: str) -> bool:
    return all(key_of(f.field, p.table.value(record_id, f.field.name)) in f.keys for f in p.filters)


def render(table: Table, record_id: str, fields: tuple[Field, ...]) -> dict[str, Json]:
    """One record as the REST API writes it: attributes first, then the fields asked for, in that order."""
    record: dict[str, Json] = {"attributes": {"type": table.sobject.name, "url": table.sobject.url(record_id)}}
    record.update((f.name, output(table.value(record_id, f.name))) for f in fields)
    return record
