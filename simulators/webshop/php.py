"""Numbers and query strings read the way PHP reads them, since WordPress and WooCommerce take every id and count
(and `$_GET`) through PHP.

`is_numeric` accepts ASCII digits only, with optional sign, fraction, exponent and surrounding whitespace.
`(int)` of such a string is exact within PHP's signed 64-bit range and saturates past it; a number past
a double's range reads as INF, which casts to 0. So a 400-digit id is id 0 and a 25-digit one is
PHP_INT_MAX: neither is an order, and nothing a client sends can make these functions raise.
"""

import math
import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

PHP_INT_MAX = 2**63 - 1
PHP_INT_MIN = -(2**63)
DOUBLE_MAX = Decimal("1.7976931348623157e308")
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_WHITESPACE = " \t\n\r\v\f"
_NUMERIC = re.compile(rf"[{_WHITESPACE}]*({_NUMBER})[{_WHITESPACE}]*")
_LEADING = re.compile(rf"[{_WHITESPACE}]*({_NUMBER})")
_ARRAY_NAME = re.compile(r"([^\[]+)((?:\[[^\]]*\])+)")
_INDEX = re.compile(r"\[([^\]]*)\]")
_NAME_MANGLED = str.maketrans(" .[", "___")

PhpArray = dict[str, Any]  # string keys in insertion order; values are strings or nested arrays


def numeric(text: str) -> Decimal | None:
    """The number `is_numeric` sees in `text`, exactly; None when PHP would not call it numeric."""
    match = _NUMERIC.fullmatch(text)
    return Decimal(match.group(1)) if match else None


def is_integer(text: str) -> bool:
    """`rest_is_integer`: numeric and equal to its own rounding as a double (so INF counts as an integer)."""
    number = numeric(text)
    if number is None:
        return False
    as_double = float(number)
    return math.isinf(as_double) or as_double.is_integer()


def php_int(value: object) -> int:
    """`(int) $value` for a query, path or JSON value: a string by its leading number (0 when it has none)."""
    if isinstance(value, bool | int):
        return _capped(Decimal(int(value)))
    if isinstance(value, float):
        return _capped(Decimal(value)) if math.isfinite(value) else 0
    match = _LEADING.match(value) if isinstance(value, str) else None
    return _capped(Decimal(match.group(1))) if match else 0


def absint(value: object) -> int:
    """WordPress's `absint`, which `wp_parse_id_list` applies to every id of a list."""
    return abs(php_int(value))


def _capped(number: Decimal) -> int:
    """Past a double it is INF, cast to 0; past PHP's ints it saturates; else truncated towards zero."""
    if abs(number) > DOUBLE_MAX:
        return 0
    return int(max(Decimal(PHP_INT_MIN), min(Decimal(PHP_INT_MAX), number)))


def get_params(query: str) -> PhpArray:
    """`$_GET` from a raw query string: a later value wins, `a[]`/`a[k]` build arrays, and spaces and dots
    in a plain name become underscores (names with unbalanced brackets are kept whole, a simplification)."""
    params: PhpArray = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        array = _ARRAY_NAME.fullmatch(key.lstrip(" "))
        if array is None:
            if key.strip(" "):
                params[key.lstrip(" ").translate(_NAME_MANGLED)] = value
            continue
        _set(params, [array.group(1).translate(_NAME_MANGLED), *_INDEX.findall(array.group(2))], value)
    return params


def _set(node: PhpArray, path: list[str], value: str) -> None:
    """Stores `value` under `path`; an empty index appends (next integer key), as `a[]=` does."""
    for depth, index in enumerate(path):
        key = index or str(max((int(k) + 1 for k in node if k.lstrip("-").isdigit()), default=0))
        if depth == len(path) - 1:
            node[key] = value
        else:
            child = node.get(key)
            node[key] = child = child if isinstance(child, dict) else {}
            node = child
