"""JSON for the domain's frozen dataclasses, driven by their type hints: what the shared caches store in Redis.

JSON rather than pickle: a value read from Redis is data, never code to run, so a Redis anyone else can write
to cannot make a replica execute anything; and it stays readable with `redis-cli`. Decoding is guided by the
type the cache holds (`Product | None`, `tuple[Relation, ...]`), so nothing in the stored text names a class;
the decoder of each type is built once from its hints.
"""

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Union

# JSON values: what `json.dumps` takes and `json.loads` gives
Json = Any
Decoder = Callable[[Json], Any]


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
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, frozenset | set):
        return [encode(item) for item in sorted(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name in _names(type(value))}
    raise TypeError(f"cannot store a {type(value).__name__} in the shared cache")


def decode(data: Json, hint: Any) -> Any:
    """The value of type `hint` that `encode` gave `data` for. Raises ValueError, KeyError or TypeError when it
    does not fit (a value stored by another version of Omnigate, say): the caller treats it as a miss."""
    return decoder(hint)(data)


@cache
def decoder(hint: Any) -> Decoder:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return _optional(hint, args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = decoder(args[0])
            return lambda data: tuple(item(x) for x in _list(data))
        items = tuple(decoder(arg) for arg in args)
        return lambda data: tuple(d(x) for d, x in zip(items, _list(data), strict=True))
    if origin in (list, frozenset):
        item, collection = decoder(args[0]), origin
        return lambda data: collection(item(x) for x in _list(data))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _record(hint)
    if isinstance(hint, type):
        return _scalar(hint)
    raise TypeError(f"no decoding for {hint!r}")


def _optional(hint: Any, args: tuple[Any, ...]) -> Decoder:
    others = [a for a in args if a is not type(None)]
    if len(others) != 1:
        raise TypeError(f"no decoding for {hint!r}: one type or None only")
    inner, optional = decoder(others[0]), len(others) < len(args)
    return lambda data: None if data is None and optional else inner(data)


def _record(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = tuple((name, decoder(hints[name])) for name in _names(cls))

    def read(data: Json) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {cls.__name__}")
        return cls(**{name: field(data[name]) for name, field in fields})
    return read


def _scalar(hint: type) -> Decoder:
    if issubclass(hint, Enum | Decimal):
        return hint
    if hint is datetime:
        return datetime.fromisoformat
    if hint is time:
        return time.fromisoformat
    if hint is float:
        return lambda data: float(_checked(data, int | float))
    return lambda data: _checked(data, hint)


def _checked(data: Json, expected: Any) -> Json:
    if not isinstance(data, expected) or (isinstance(data, bool) and expected is not bool):
        raise TypeError(f"expected {expected}, got {type(data).__name__}")
    return data


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _list(data: Json) -> list[Json]:
    if not isinstance(data, list):
        raise TypeError("expected a list")
    return data
