"""Opaque global ids: base64url of "Type:key", so clients never build or parse them.

Parsing also checks the key is well-formed for its type (`keys.GLOBAL_ID_KEYS`), so no resolver sends
a key upstream that cannot exist there.
"""

import base64
import binascii

from ..errors import bad_input
from .keys import check_global_key


def global_id(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def parse_global_id(value: str, expected: str | None = None) -> tuple[str, str]:
    """(type name, key); a malformed id, a malformed key or an id of another type is the client's error."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_input(f"{value!r} is not a valid id") from None
    type_name, sep, key = raw.partition(":")
    if not sep or not key or not type_name.isidentifier():
        raise bad_input(f"{value!r} is not a valid id")
    if expected is not None and type_name != expected:
        raise bad_input(f"{value!r} is not the id of a {expected}")
    check_global_key(type_name, key)
    return type_name, key
