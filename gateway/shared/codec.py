"""JSON for the domain's frozen dataclasses, driven by their type hints: what the shared caches store in Redis.

JSON rather than pickle: a value read from Redis is data, never code to run, so a Redis anyone else can write
to cannot make a replica execute anything; and it stays readable with `redis-cli`. Decoding is guided by the
type the cache holds (`Product | None`, `tuple[Relation, ...]`), so nothing in the stored text names a class.
"""

import dataclasses
import types
import typing
from datetime import datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Union

# JSON values: what `json.dumps` takes and `json.loads` gives
Json = Any


def encode(value: object) -> Json:
    """`value` as JSON-ready data: dataclasses as objects of their fields, tuples and sets as lists."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list | frozenset | set):
        return [encode(item) for item in (sorted(value) if isinstance(value, frozenset | set) else value)]
    raise TypeError(f"cannot store a {type(value).__name__} in the shared cache")


def decode(data: Json, hint: Any) -> Any:
    """The value of type `hint` that `encode` gave `data` for. Raises ValueError or TypeError when it does not fit
    (a value stored by another version of Omnigate, say): the caller treats it as a miss."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        [inner] = [a for a in args if a is not type(None)]
        return decode(data, inner)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(item, args[0]) for item in _list(data))
        return tuple(decode(item, arg) for item, arg in zip(_list(data), args, strict=True))
    if origin in (list, frozenset):
        return origin(decode(item, args[0]) for item in _list(data))
    if isinstance(hint, type):
        return _scalar_or_dataclass(data, hint)
    raise TypeError(f"no decoding for {hint!r}")


def _scalar_or_dataclass(data: Json, hint: type) -> Any:
    if dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {hint.__name__}")
        return hint(**{name: decode(data[name], field_hint) for name, field_hint in _fields(hint)})
    if issubclass(hint, Enum | Decimal):
        return hint(data)
    if hint is datetime:
        return datetime.fromisoformat(data)
    if hint is time:
        return time.fromisoformat(data)
    if hint is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if not isinstance(data, hint) or (hint is int and isinstance(data, bool)):
        raise TypeError(f"expected {hint.__name__}, got {type(data).__name__}")
    return data


@cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _list(data: Json) -> list[Json]:
    if not isinstance(data, list):
        raise TypeError("expected a list")
    return data
