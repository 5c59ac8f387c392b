"""Square's value formats: money in minor units, RFC 3339 instants, decimal-string quantities, opaque ids."""

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .errors import invalid

CURRENCY = "EUR"
COUNTRY = "FR"
MAX_QUANTITY_LENGTH = 26  # Square's limit on a quantity string

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The real clock: writes are stamped and checked against it, not against the world's."""
    return datetime.now(UTC)


def money(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


@lru_cache(maxsize=4096)  # a store's seeded counts share one instant: an index build writes each thousands of times
def rfc3339(at: datetime) -> str:
    """Square writes instants in UTC with milliseconds, e.g. 2026-11-20T12:00:00.000Z."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(value: object, field: str) -> datetime:
    """An RFC 3339 timestamp with an offset; anything else is the caller's INVALID_VALUE."""
    if not isinstance(value, str):
        raise invalid(f"Expected an RFC 3339 timestamp for {field}.", field)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(f"Invalid RFC 3339 timestamp {value!r}.", field) from None
    if at.tzinfo is None:
        raise invalid(f"Timestamp {value!r} has no time zone offset.", field)
    return at.astimezone(UTC)


@lru_cache(maxsize=1024)  # equal values (5, Decimal("5.0")) hash alike and write alike
def quantity(value: Decimal | int) -> str:
    """Decimal string without trailing zeros: 5 -> "5", 2.50 -> "2.5"."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def parse_quantity(value: object, field: str) -> Decimal:
    """A positive decimal string with at most five fractional digits, as Square accepts."""
    if not isinstance(value, str) or len(value) > MAX_QUANTITY_LENGTH:
        raise invalid("Quantity must be a decimal string of at most 26 characters.", field)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise invalid(f"Invalid quantity {value!r}.", field) from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount <= 0 or (isinstance(exponent, int) and exponent < -5):
        raise invalid(f"Quantity {value!r} must be positive with at most 5 decimal places.", field)
    return amount


def e164(phone: str) -> str:
    """A French number as Square stores loyalty mappings: "+33 6 12 34 56 78" -> "+33612345678"."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        return "+" + digits
    return "+33" + digits.removeprefix("0")


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def opaque_id(*parts: object, length: int = 24) -> str:
    """A stable id that looks like Square's (upper-case base32) and reveals nothing of its source."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=20).digest()
    return base64.b32encode(digest).decode()[:length]


def opaque_uuid(*parts: object) -> str:
    """A stable UUID-shaped id, as Square uses for loyalty objects."""
    h = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=16).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def compact(body: dict[str, Any]) -> dict[str, Any]:
    """Square leaves out empty lists and nulls: no results is `{}`."""
    return {k: v for k, v in body.items() if v is not None and v != []}
