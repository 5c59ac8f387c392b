"""Field types and their values: how each is read from JSON, checked, compared and written out.

One place decides how a field's values compare (case, 15/18-character ids, multi-select sets), so
the SOQL filter, the indexes and the external-id matching of upserts always agree.
"""

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum

from .errors import ApiError, Json, Problem

Value = str | bool | float | date | datetime | None
Key = str | bool | float | date | datetime | None

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Kind(Enum):
    ID = "id"
    REFERENCE = "reference"
    STRING = "string"
    EMAIL = "email"
    PHONE = "phone"
    TEXTAREA = "textarea"
    PICKLIST = "picklist"
    MULTIPICKLIST = "multipicklist"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    DOUBLE = "double"

    @property
    def textual(self) -> bool:
        return self not in (Kind.BOOLEAN, Kind.DATE, Kind.DATETIME, Kind.DOUBLE)


@dataclass(frozen=True)
class Field:
    """One field as the org describes it; `picklist` lists the values of a restricted picklist."""

    name: str
    kind: Kind
    length: int = 0
    createable: bool = False
    updateable: bool = False
    required: bool = False
    picklist: tuple[str, ...] = ()
    external_id: bool = False
    unique: bool = False
    case_sensitive: bool = False
    filterable: bool = True
    sortable: bool = True


def is_id(text: str) -> bool:
    return bool(_ID.match(text))


def key_of(field: Field, value: Value) -> Key:
    """The comparison key: equal keys mean `=` matches."""
    if value is None or not isinstance(value, str):
        return value
    if field.kind in (Kind.ID, Kind.REFERENCE):
        return value[:15]
    if field.case_sensitive:
        return value
    if field.kind is Kind.MULTIPICKLIST:
        return ";".join(sorted(part.strip().casefold() for part in value.split(";") if part.strip()))
    return value.casefold()


def sort_key(field: Field, value: Value) -> tuple[int, Key]:
    """Nulls sort first ascending (and last descending), as SOQL's default NULLS FIRST does."""
    return (0, None) if value is None else (1, key_of(field, value))


def format_datetime(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def output(value: Value) -> Json:
    """The JSON form: dates `2024-03-01`, datetimes `2024-03-01T09:30:00.000+0000`."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def parse_input(field: Field, raw: object) -> Value:
    """Reads a JSON value for `field`; a value of the wrong JSON type fails the whole request."""
    if raw is None:
        return False if field.kind is Kind.BOOLEAN else None
    if field.kind is Kind.BOOLEAN and isinstance(raw, bool):
        return raw
    if field.kind is Kind.DOUBLE and isinstance(raw, int | float) and not isinstance(raw, bool):
        with suppress(OverflowError):  # an integer no double holds is refused like a wrong type
            return float(raw)
    if field.kind.textual and isinstance(raw, str | int | float) and not isinstance(raw, bool):
        return raw if isinstance(raw, str) else str(raw)
    if isinstance(raw, str) and field.kind in (Kind.DATE, Kind.DATETIME):
        parsed = _parse_moment(field.kind, raw)
        if parsed is not None:
            return parsed
    raise ApiError(400, "JSON_PARSER_ERROR",
                   f"Cannot deserialize instance of {field.kind.value} from {_json_type(raw)} value {raw} "
                   "or request may be missing a required field")


def _parse_moment(kind: Kind, raw: str) -> date | datetime | None:
    try:
        if kind is Kind.DATE:
            return date.fromisoformat(raw) if _DATE.match(raw) else None
        moment = datetime.fromisoformat(raw) if "T" in raw else None
    except ValueError:
        return None
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def _json_type(raw: object) -> str:
    names = {bool: "VALUE_TRUE" if raw is True else "VALUE_FALSE", str: "VALUE_STRING", list: "START_ARRAY",
             dict: "START_OBJECT", int: "VALUE_NUMBER_INT", float: "VALUE_NUMBER_FLOAT"}
    return names.get(type(raw), "VALUE")


def missing(field: Field) -> Problem:
    return Problem("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{field.name}]", (field.name,))


def check(field: Field, value: Value) -> Problem | None:
    """Field-level validation of a value that has the right type."""
    if value is None or value == "":
        return missing(field) if field.required else None
    if not isinstance(value, str):
        return None
    if field.length and len(value) > field.length:
        return Problem("STRING_TOO_LONG", f"{field.name}: data value too large: {value[:40]} "
                       f"(max length={field.length})", (field.name,))
    if field.picklist and value not in field.picklist:
        return Problem("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                       f"{field.name}: bad value for restricted picklist field: {value}", (field.name,))
    if field.kind is Kind.EMAIL and not _EMAIL.match(value):
        return Problem("INVALID_EMAIL_ADDRESS", f"{field.name}: invalid email address: {value}", (field.name,))
    if field.kind is Kind.REFERENCE and not is_id(value):
        return Problem("MALFORMED_ID", f"{field.name}: id value of incorrect type: {value}", (field.name,))
    return None
