"""WooCommerce's wire primitives: money strings, shop dates, meta lists, HTML fragments and error bodies.

Kept apart from the product and order mappings so both read the same way and
the quirks (money as strings or numbers, naive dates, bare-number `data` on
some 500s) are handled once.
"""

import html
import re
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.domain import Money
from connectors.errors import ConnectorError, UpstreamNotFound, UpstreamRejected

Json = dict[str, Any]

# Product payloads carry no currency; the store's (settings/general `woocommerce_currency`) is this one.
STORE_CURRENCY = "EUR"
_CENT = Decimal("0.01")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def money(value: object, currency: str = STORE_CURRENCY) -> Money | None:
    """Money from a WooCommerce amount: a string ("19.90", "" when unset) or, on order lines, a number."""
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(_CENT)
    except InvalidOperation:
        return None
    return Money(amount, currency or STORE_CURRENCY)


def zero(currency: str = STORE_CURRENCY) -> Money:
    return Money(Decimal(0).quantize(_CENT), currency)


def instant(value: object, zone: tzinfo = UTC) -> datetime | None:
    """A `…_gmt` field ("2024-05-02T14:03:11", UTC) or a plugin date ("2024-05-02 14:03:11", shop time) in UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed).astimezone(UTC)


def meta(entries: object) -> dict[str, str]:
    """`meta_data [{id, key, value}]` as a dict; the first of a repeated key wins, as `get_meta` does."""
    found: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("key"), str) and entry.get("value") is not None:
            found.setdefault(entry["key"], str(entry["value"]))
    return found


def plain_text(fragment: object) -> str | None:
    """Text of an HTML fragment (product descriptions are stored as HTML); None when nothing is left."""
    if not isinstance(fragment, str):
        return None
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
    return text or None


def text(value: object) -> str | None:
    """A string field where WooCommerce writes "" for unset."""
    return value.strip() or None if isinstance(value, str) else None


def read_error(status: int, body: Any) -> str:
    """`code: message` from `{"code","message","data"}`; the `code` leads so callers can tell errors apart."""
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        message = plain_text(body.get("message")) or ""
        return f"{body['code']}: {message}" if message else body["code"]
    detail = plain_text(body)
    return f"HTTP {status}: {detail[:200]}" if detail else f"HTTP {status}"


# Refund refusals that core sends as 500s (a bare number as `data`, which WordPress turns into the status): answers
# about the request, not a shop in trouble, so neither retried nor counted against the breaker.
REFUSED_AS_500 = {"woocommerce_rest_invalid_order_id": UpstreamNotFound,
                  "woocommerce_rest_invalid_order_refund": UpstreamRejected,
                  "woocommerce_rest_cannot_create_order_refund": UpstreamRejected}


def classify(status: int, body: Any) -> type[ConnectorError] | None:
    """The refusals in REFUSED_AS_500 by their code; None (the status table) otherwise."""
    code = body.get("code") if isinstance(body, dict) else None
    return REFUSED_AS_500.get(code) if status == 500 and isinstance(code, str) else None


def has_code(error: Exception, code: str) -> bool:
    """Whether a ConnectorError carries WooCommerce error `code` (see `read_error`'s message shape)."""
    message = str(error).split(": ", 1)[-1]
    return message == code or message.startswith(f"{code}: ")
