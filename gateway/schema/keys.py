"""What a well-formed key or argument of each kind looks like, checked before anything goes upstream.

A value that cannot exist in the system that owns it is the caller's error (`BAD_USER_INPUT`), found
here without a call: sent on, it costs a round trip at best and, at worst, an upstream error that counts
against that system for every other caller. The bounds come from the systems' sheets (contracts/*.md).
Being decided from the value alone, a refusal says nothing about what exists or whose it is.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import bad_input

PHP_INT_MAX = 2**63 - 1  # WooCommerce ids are unsigned BIGINT in MySQL, but PHP reads them as signed ints
MAX_SEARCH_TEXT = 100  # ours, generous: ERP descriptions hold 40 characters, so longer text matches nothing
# ours: fewer than 3 characters names nobody in particular; Contact's longest searched field (LastName) holds 80
MIN_CUSTOMER_QUERY, MAX_CUSTOMER_QUERY = 3, 100


def _anything(_: str) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """One kind of key: the pattern it matches whole, anything more it must satisfy, and how to say so."""

    name: str
    pattern: re.Pattern[str]
    means: str
    fits: Callable[[str], bool] = _anything

    def check(self, value: str) -> str:
        """`value` itself when well-formed; else the caller's error, which does not echo it."""
        if self.pattern.fullmatch(value) is None or not self.fits(value):
            raise bad_input(f"Not a valid {self.name}: {self.means}")
        return value


def _within_php_ints(digits: str) -> bool:
    return int(digits) <= PHP_INT_MAX


def _gs1_check_digit(digits: str) -> bool:
    """GS1 mod 10: from the right, the body's digits weigh 3, 1, 3, ...; the check digit rounds the sum up to 10s."""
    body = [int(d) for d in reversed(digits[:-1])]
    total = sum(d * (3 if n % 2 == 0 else 1) for n, d in enumerate(body))
    return (10 - total % 10) % 10 == int(digits[-1])


ORDER_ID = Rule("order id", re.compile(r"[1-9][0-9]{0,18}"), f"a whole number from 1 to {PHP_INT_MAX}",
                _within_php_ints)
CRM_ID = Rule("customer id", re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?"),
              "a CRM id of 15 or 18 letters and digits")
STORE_CODE = Rule("store code", re.compile(r"[A-Za-z0-9]{1,32}"), "1 to 32 letters and digits")  # Location.id
RECEIPT_ID = Rule("receipt id", re.compile(r"[A-Za-z0-9_-]{1,192}"), "1 to 192 letters, digits, - or _")
RESERVATION_ID = Rule("reservation id", re.compile(r"[0-9a-f]{32}"), "32 hexadecimal digits")  # ledger hold id
APPOINTMENT_ID = Rule("appointment id", re.compile(r"[A-Za-z0-9_-]{1,36}"),  # Booking.id
                      "1 to 36 letters, digits, - or _")
SKU = Rule("sku", re.compile(r"[A-Za-z0-9 ._/-]{1,40}"),  # Product.Product, as any system records it
           "1 to 40 letters, digits, spaces, or . _ / -")
GTIN = Rule("GTIN", re.compile(r"[0-9]{8}|[0-9]{12,14}"), "8, 12, 13 or 14 digits ending in their check digit",
            _gs1_check_digit)
LOYALTY_CARD = Rule("loyalty card number", re.compile(r"[A-Za-z0-9-]{1,20}"),  # Loyalty_Card_Number__c
                    "1 to 20 letters, digits or -")
CATEGORY = Rule("category", re.compile(r"[A-Za-z0-9_-]{1,9}"), "1 to 9 letters, digits, - or _")  # ProductGroup
SEARCH_TEXT = Rule("search text", re.compile(rf".{{0,{MAX_SEARCH_TEXT}}}", re.DOTALL),
                   f"at most {MAX_SEARCH_TEXT} characters")
CUSTOMER_QUERY = Rule("customer search", re.compile(rf"[^\x00-\x1f\x7f]{{{MIN_CUSTOMER_QUERY},{MAX_CUSTOMER_QUERY}}}"),
                      f"an email, phone number or name of {MIN_CUSTOMER_QUERY} to {MAX_CUSTOMER_QUERY} characters, "
                      "no control characters")

# The rule for the key inside each global id that `node(id:)` or an entry point resolves.
GLOBAL_ID_KEYS = {
    "Product": SKU,
    "Store": STORE_CODE,
    "Customer": CRM_ID,
    "Order": ORDER_ID,
    "StoreReceipt": RECEIPT_ID,
    "Appointment": APPOINTMENT_ID,
    "Reservation": RESERVATION_ID,
}


def check_global_key(type_name: str, key: str) -> None:
    rule = GLOBAL_ID_KEYS.get(type_name)
    if rule is not None:
        rule.check(key)


def check_skus(values: list[str]) -> None:
    for value in values:
        SKU.check(value)
