"""Rows to JSON per protocol: v4 numbers and ISO dates; v2 strings, /Date(ms)/ and __metadata."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .errors import Version
from .model import EntityType, Row
from .ordering import sort_rows
from .shape import Expansion, Shape

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MILLISECOND = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Dialect:
    """What rendering needs to know about the request and its service."""

    version: Version
    service_id: str
    base_url: str  # service root as the client reached it, with the simulator prefix
    set_of_type: dict[str, str]  # entity type name -> entity set name, for v2 uris
    decimals_as_strings: bool = False  # v4 IEEE754Compatible=true


def entity(row: Row, shape: Shape, dialect: Dialect) -> dict[str, Any]:
    if dialect.version is Version.V4:
        return _v4_entity(row, shape, dialect)
    return _v2_entity(row, shape, dialect)


def v4_etag(row: Row, etype: EntityType) -> str | None:
    if etype.etag is None:
        return None
    return f'W/"{_v4_value(row[etype.etag], False)}"'


def _v4_entity(row: Row, shape: Shape, dialect: Dialect) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if (etag := v4_etag(row, shape.etype)) is not None:
        body["@odata.etag"] = etag
    for name in shape.properties:
        body[name] = _v4_value(row[name], dialect.decimals_as_strings)
    for name, expansion in shape.expanded.items():
        body[name] = _related(row[name], expansion, dialect)
    return body


def _v2_entity(row: Row, shape: Shape, dialect: Dialect) -> dict[str, Any]:
    uri = entity_uri(row, shape.etype, dialect)
    kind = f"{dialect.service_id}.{shape.etype.name}"
    body: dict[str, Any] = {"__metadata": {"id": uri, "uri": uri, "type": kind}}
    for name in shape.properties:
        body[name] = _v2_value(row[name])
    for name, expansion in shape.expanded.items():
        related = _related(row[name], expansion, dialect)
        body[name] = {"results": related} if isinstance(related, list) else related
    for name in shape.deferred:
        body[name] = {"__deferred": {"uri": f"{uri}/{name}"}}
    return body


def _related(value: Row | list[Row] | None, expansion: Expansion, dialect: Dialect) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return entity(value, expansion.shape, dialect)
    rows = [r for r in value if expansion.keep is None or expansion.keep(r)]
    return [entity(r, expansion.shape, dialect) for r in sort_rows(rows, expansion.ordering)]


def entity_uri(row: Row, etype: EntityType, dialect: Dialect) -> str:
    return f"{dialect.base_url}/{dialect.set_of_type[etype.name]}({key_predicate(row, etype)})"


def key_predicate(row: Row, etype: EntityType) -> str:
    """`'AB-100'` for one key, `A='x',B=datetime'…'` for several (v2 literal forms)."""
    if len(etype.keys) == 1:
        return _literal(row[etype.keys[0]])
    return ",".join(f"{k}={_literal(row[k])}" for k in etype.keys)


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, datetime):
        return f"datetime'{value.strftime('%Y-%m-%dT%H:%M:%S')}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _v4_value(value: Any, decimals_as_strings: bool) -> Any:
    if isinstance(value, Decimal):
        return str(value) if decimals_as_strings else float(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _v2_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return f"/Date({(value - EPOCH) // MILLISECOND})/"
    if isinstance(value, date):
        return _v2_value(datetime.combine(value, time(0), UTC))
    return value

