"""Query parameters checked the way WordPress checks route arguments against their schema.

WordPress validates every argument before the controller runs and reports all bad ones in one
400 `rest_invalid_param`, with a message per parameter in `data.params` and the underlying error
in `data.details`; the wording here is WordPress's own.
"""

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web

from .php import absint, is_integer, numeric, php_int
from .wp import SHOP_TZ, Page, WpError

T = TypeVar("T")

MAX_PER_PAGE = 100
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}(:?\d{2})?)?$")
_EMAIL = re.compile(r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$")
_LIST_SPLIT = re.compile(r"[\s,]+")


def wp_list(words: Sequence[str]) -> str:
    """`wp_sprintf_l`: "a", "a and b", "a, b, and c"."""
    if len(words) < 3:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


class QueryArgs:
    """Reads one request's query string; call `check()` once every argument has been read."""

    def __init__(self, request: web.Request) -> None:
        self._query = request.query
        self._invalid: dict[str, tuple[str, str]] = {}

    def raw(self, name: str) -> str | None:
        return self._query.get(name)

    def text(self, name: str) -> str | None:
        value = self._query.get(name)
        return value if value else None

    def integer(self, name: str, default: int | None = None, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        raw = self._query.get(name)
        if raw is None:
            return default
        number = numeric(raw)
        if number is None or not is_integer(raw):
            return self._fail(name, "rest_invalid_type", f"{name} is not of type integer.", default)
        if minimum is not None and maximum is not None and not minimum <= number <= maximum:
            message = f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)"
            return self._fail(name, "rest_out_of_bounds", message, default)
        if minimum is not None and maximum is None and number < minimum:
            return self._fail(name, "rest_out_of_bounds", f"{name} must be greater than or equal to {minimum}", default)
        return php_int(raw)

    def enum(self, name: str, default: str, allowed: Sequence[str]) -> str:
        raw = self._query.get(name)
        if raw is None:
            return default
        if raw not in allowed:
            return self._fail(name, "rest_not_in_enum", f"{name} is not one of {wp_list(allowed)}.", default)
        return raw

    def enum_list(self, name: str, default: str, allowed: Sequence[str]) -> list[str]:
        values = self._list(name)
        if values is None:
            return [default]
        for n, value in enumerate(values):
            if value not in allowed:
                return self._fail(name, "rest_not_in_enum", f"{name}[{n}] is not one of {wp_list(allowed)}.", [default])
        return values

    def id_list(self, name: str) -> list[int]:
        values = self._list(name) or []
        for n, value in enumerate(values):
            if not is_integer(value):
                return self._fail(name, "rest_invalid_type", f"{name}[{n}] is not of type integer.", [])
        return [absint(v) for v in values]

    def date(self, name: str, gmt: bool) -> datetime | None:
        """An ISO 8601 date; without an offset it is shop time (or GMT when `dates_are_gmt`)."""
        raw = self._query.get(name)
        if raw is None:
            return None
        try:
            parsed = datetime.fromisoformat(raw.replace("z", "Z").replace("t", "T")) if _DATE.match(raw) else None
        except ValueError:
            parsed = None
        if parsed is None:
            return self._fail(name, "rest_invalid_date", "Invalid date.", None)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC if gmt else SHOP_TZ)

    def email(self, name: str) -> str | None:
        raw = self._query.get(name)
        if raw is None:
            return None
        if not _EMAIL.match(raw):
            return self._fail(name, "rest_invalid_email", "Invalid email address.", None)
        return raw

    def boolean(self, name: str, default: bool) -> bool:
        raw = self._query.get(name)
        if raw is None:
            return default
        if raw.lower() in ("1", "true"):
            return True
        if raw.lower() in ("0", "false", ""):
            return False
        return self._fail(name, "rest_invalid_type", f"{name} is not of type boolean.", default)

    def page(self) -> Page:
        """The paging arguments every collection route declares (`per_page` default 10, 1..100)."""
        number = self.integer("page", 1, minimum=1) or 1
        per_page = self.integer("per_page", 10, minimum=1, maximum=MAX_PER_PAGE) or 10
        offset = self.integer("offset")
        return Page(number, per_page, None if offset is None else abs(offset))

    def check(self) -> None:
        raise_invalid(self._invalid)

    def _list(self, name: str) -> list[str] | None:
        if f"{name}[]" in self._query:
            return self._query.getall(f"{name}[]")
        raw = self._query.get(name)
        return None if raw is None else [v for v in _LIST_SPLIT.split(raw) if v]

    def _fail(self, name: str, code: str, message: str, fallback: T) -> T:
        self._invalid.setdefault(name, (code, message))
        return fallback


class BodyArgs:
    """Type checks of a JSON body against the item schema (`rest_validate_value_from_schema`)."""

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body
        self._invalid: dict[str, tuple[str, str]] = {}

    def typed(self, name: str, kind: str, item_fields: Mapping[str, str] | None = None) -> None:
        """Checks `name` (when sent) is of JSON-schema type `kind`; arrays of objects also check their fields."""
        if self.body.get(name) is None:
            return
        value = self.body[name]
        if not _is(kind, value):
            self._invalid.setdefault(name, ("rest_invalid_type", f"{name} is not of type {kind}."))
            return
        if kind == "array" and item_fields is not None:
            for n, element in enumerate(value):
                if not isinstance(element, dict):
                    message = f"{name}[{n}] is not of type object."
                    self._invalid.setdefault(name, ("rest_invalid_type", message))
                    return
                for field_name, field_kind in item_fields.items():
                    if element.get(field_name) is not None and not _is(field_kind, element[field_name]):
                        message = f"{name}[{n}][{field_name}] is not of type {field_kind}."
                        self._invalid.setdefault(name, ("rest_invalid_type", message))
                        return

    def enum(self, name: str, allowed: Sequence[str]) -> None:
        if self.body.get(name) is not None and self.body[name] not in allowed:
            self._invalid.setdefault(name, ("rest_not_in_enum", f"{name} is not one of {wp_list(allowed)}."))

    def check(self) -> None:
        raise_invalid(self._invalid)


def _is(kind: str, value: object) -> bool:
    if kind == "integer":
        if isinstance(value, float):
            return math.isinf(value) or value.is_integer()
        if isinstance(value, str):
            return is_integer(value)
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool) or value in (0, 1, "0", "1", "true", "false", "")
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict) or value in ("", [])
    return True


def raise_invalid(invalid: Mapping[str, tuple[str, str]]) -> None:
    """One 400 naming every bad parameter, each with its message and underlying error."""
    if not invalid:
        return
    params = {name: message for name, (_, message) in invalid.items()}
    details = {name: {"code": code, "message": message, "data": None} for name, (code, message) in invalid.items()}
    raise WpError("rest_invalid_param", f"Invalid parameter(s): {', '.join(invalid)}", 400,
                  {"status": 400, "params": params, "details": details})
