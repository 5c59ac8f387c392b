"""What customer service typed to find a caller, read once into an email, a phone number or a name.

A caller gives one of the three; the text alone says which, so the back office is asked one
precise question (exact matches, never a pattern) instead of a fuzzy scan. Phone numbers and
emails are put in one canonical form here, so "06 12 34 56 78", "+33 (0)6.12.34.56.78" and
"0033612345678" are the same caller, and so are "Lea@Example.fr" and "lea@example.fr"; how
the back office happens to store them is its adapter's business.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

FRANCE = "33"
_PHONE_CHARS = re.compile(r"\+?[0-9 .()/-]+")
_MIN_PHONE_DIGITS = 9  # a French number without its trunk 0; anything shorter is no phone number


class SearchBy(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class CustomerSearch:
    """`value`: an email in lower case, a phone number in E.164 (`+33612345678`; digits alone when its
    country cannot be told), or a name's words separated by single spaces."""

    by: SearchBy
    value: str

    @classmethod
    def read(cls, text: str) -> "CustomerSearch":
        text = " ".join(text.split())
        if "@" in text:
            return cls(SearchBy.EMAIL, text.lower())
        digits = re.sub(r"[^0-9]", "", text)
        if _PHONE_CHARS.fullmatch(text) and len(digits) >= _MIN_PHONE_DIGITS:
            return cls(SearchBy.PHONE, e164(text.startswith("+"), digits))
        return cls(SearchBy.NAME, text)

    @property
    def words(self) -> list[str]:
        return self.value.split(" ")


def e164(international: bool, digits: str) -> str:
    """French national forms (`0612345678`, `612345678`) and the `00` and `+33 (0)` prefixes, in E.164."""
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    if international:
        if digits.startswith(FRANCE + "0"):  # "+33 (0)6 …": the trunk 0 written after the country code
            digits = FRANCE + digits[len(FRANCE) + 1:]
        return "+" + digits
    if len(digits) == 10 and digits.startswith("0"):
        return "+" + FRANCE + digits[1:]
    if len(digits) == 9:
        return "+" + FRANCE + digits
    return digits
