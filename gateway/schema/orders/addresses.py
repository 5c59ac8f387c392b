"""A delivery address checked before any system sees it: a parcel sent to a malformed one comes back."""

import re

from connectors.domain import Address

from ..common import AddressInput

# Postcodes of the countries a European retailer commonly delivers to; others get the generic shape.
POSTCODES = {
    "FR": r"\d{5}", "MC": r"980\d{2}", "DE": r"\d{5}", "ES": r"\d{5}", "IT": r"\d{5}", "BE": r"\d{4}",
    "LU": r"(L-)?\d{4}", "AT": r"\d{4}", "CH": r"\d{4}", "DK": r"\d{4}", "NL": r"\d{4} ?[A-Z]{2}",
    "PT": r"\d{4}-\d{3}", "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
}
GENERIC_POSTCODE = r"[A-Z0-9][A-Z0-9 -]{1,9}"
MAX_LINE = 100


def address_problem(address: AddressInput, countries: frozenset[str]) -> tuple[str, str] | None:
    """(the field at fault, why) or None when the address can be shipped to."""
    country = address.country_code.strip().upper()
    if country not in countries:
        return "countryCode", f"we deliver to {', '.join(sorted(countries))} (ISO 3166-1 alpha-2 codes)"
    for name, value in (("line1", address.line1), ("city", address.city)):
        if not value.strip():
            return name, f"{name} is required"
    for name, text in (("line1", address.line1), ("line2", address.line2), ("city", address.city),
                       ("region", address.region)):
        if text is not None and len(text) > MAX_LINE:
            return name, f"{name} must be at most {MAX_LINE} characters"
    pattern = POSTCODES.get(country, GENERIC_POSTCODE)
    if not re.fullmatch(pattern, address.postal_code.strip().upper()):
        return "postalCode", f"{address.postal_code!r} is not a postcode of {country}"
    return None


def to_domain(address: AddressInput) -> Address:
    """As checked: trimmed, codes upper case."""
    return Address(line1=address.line1.strip(), postal_code=address.postal_code.strip().upper(),
                   city=address.city.strip(), country_code=address.country_code.strip().upper(),
                   line2=(address.line2 or "").strip() or None, region=(address.region or "").strip() or None)
