"""Reading a JSON request body with the errors Square gives for missing, mistyped or oversized fields."""

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from .errors import SquareError, bad_request, invalid
from .wire import parse_instant


def missing(field: str) -> SquareError:
    return bad_request("MISSING_REQUIRED_PARAMETER", f"Missing required parameter `{field}`.", field)


def too_long(field: str, limit: int) -> SquareError:
    return bad_request("ARRAY_LENGTH_TOO_LONG", f"`{field}` must have at most {limit} elements.", field)


def check_limit(value: int | None, low: int, high: int, default: int, field: str = "limit") -> int:
    """A page size Square refuses outside its range (VALUE_TOO_LOW / VALUE_TOO_HIGH)."""
    if value is None:
        return default
    if value < low:
        raise bad_request("VALUE_TOO_LOW", f"`{field}` must be at least {low}.", field)
    if value > high:
        raise bad_request("VALUE_TOO_HIGH", f"`{field}` must be at most {high}.", field)
    return value


class Body:
    """One JSON object of a request; `path` names it in error `field`s, e.g. `query.filter`."""

    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        self.data = data
        self.path = path

    @classmethod
    async def read(cls, request: web.Request) -> "Body":
        raw = await request.read()
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
            raise bad_request("EXPECTED_JSON_BODY", "The request body must be a JSON object.") from None
        if not isinstance(data, dict):
            raise bad_request("EXPECTED_JSON_BODY", "The request body must be a JSON object.")
        return cls(data)

    def field(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing(self.field(name))
            return None
        if not isinstance(value, str):
            raise invalid(f"Expected a string for `{self.field(name)}`.", self.field(name))
        if required and not value:
            raise bad_request("VALUE_EMPTY", f"`{self.field(name)}` must not be empty.", self.field(name))
        if max_length is not None and len(value) > max_length:
            raise bad_request("VALUE_TOO_LONG", f"At most {max_length} characters.", self.field(name))
        return value

    def required_text(self, name: str, max_length: int | None = None) -> str:
        value = self.text(name, required=True, max_length=max_length)
        assert value is not None
        return value

    def integer(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(f"Expected an integer for `{self.field(name)}`.", self.field(name))
        return value

    def flag(self, name: str) -> bool:
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            raise invalid(f"Expected a boolean for `{self.field(name)}`.", self.field(name))
        return value

    def instant(self, name: str, *, required: bool = False) -> datetime | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing(self.field(name))
            return None
        return parse_instant(value, self.field(name))

    def enum(self, name: str, allowed: Collection[str], *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if value is not None and value not in allowed:
            raise self._bad_enum(name, value)
        return value

    def texts(self, name: str, *, max_items: int | None = None) -> list[str] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid(f"Expected a list of strings for `{self.field(name)}`.", self.field(name))
        if max_items is not None and len(value) > max_items:
            raise too_long(self.field(name), max_items)
        return value

    def enums(self, name: str, allowed: Collection[str]) -> list[str] | None:
        values = self.texts(name)
        for value in values or ():
            if value not in allowed:
                raise self._bad_enum(name, value)
        return values

    def _bad_enum(self, name: str, value: str) -> SquareError:
        field = self.field(name)
        return bad_request("INVALID_ENUM_VALUE", f"`{value}` is not a valid `{field}`.", field)

    def child(self, name: str, *, required: bool = False) -> "Body | None":
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing(self.field(name))
            return None
        if not isinstance(value, dict):
            raise invalid(f"Expected an object for `{self.field(name)}`.", self.field(name))
        return Body(value, self.field(name))

    def children(self, name: str, *, max_items: int | None = None) -> list["Body"]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise invalid(f"Expected a list of objects for `{self.field(name)}`.", self.field(name))
        if max_items is not None and len(value) > max_items:
            raise too_long(self.field(name), max_items)
        return [Body(v, f"{self.field(name)}[{i}]") for i, v in enumerate(value)]
