"""Turns SAP rows (API_PRODUCT, product group texts, the relationship extension, pricing conditions) into domain
objects.

Vendor field names stop here. SAP sends an empty string for an empty field; the
domain gets None instead, so "no GTIN" reads the same from every system.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from connectors.domain import Money, Product, Relation, ShownPrice, System

Row = dict[str, Any]

FALLBACK_LANGUAGE = "EN"
LIST_PRICE = "PPR0"  # S/4HANA sales price
PROMOTION = "ZPRM"  # customer-namespace promotion price: while valid, it is the price
CENT = Decimal("0.01")
_V2_INSTANT = re.compile(r"/Date\((-?\d+)")


@dataclass(frozen=True)
class ProductView:
    """What the ERP's configuration decides about reading a product."""

    language: str  # of the name shown, e.g. "FR"
    brand_field: str | None  # custom field holding the brand, absent from standard API_PRODUCT
    delisted_statuses: frozenset[str]  # CrossPlantStatus codes that mean "no longer sold"


def product(row: Row, view: ProductView) -> Product:
    sku = str(row["Product"])
    texts = row.get("_ProductDescription") or ()
    names = {text.get("Language"): text.get("ProductDescription") for text in texts}
    return Product(
        sku=sku,
        name=names.get(view.language) or names.get(FALLBACK_LANGUAGE) or sku,
        gtin=_text(row.get("ProductStandardID")),
        brand=_text(row.get(view.brand_field)) if view.brand_field else None,
        category=_text(row.get("ProductGroup")),
        delisted=bool(row.get("IsMarkedForDeletion"))
        or row.get("CrossPlantStatus") in view.delisted_statuses,
    )


def group_names(rows: Sequence[Row], language: str) -> dict[str, str]:
    """Group -> its name in `language`, else in English: the 60-character text, else the 20-character name."""
    found: dict[str, str] = {}
    for wanted in (FALLBACK_LANGUAGE, language):  # the configured language, read last, wins
        for row in rows:
            name = _text(row.get("MaterialGroupText")) or _text(row.get("MaterialGroupName"))
            if name and row.get("Language") == wanted:
                found[str(row["MaterialGroup"])] = name
    return found


def product_key(row: Row) -> tuple[str, str | None]:
    return str(row["Product"]), _text(row.get("ProductStandardID"))


def relation(row: Row) -> Relation:
    return Relation(sku=str(row["Product"]), related_sku=str(row["RelatedProduct"]),
                    kind=str(row["RelationshipType"]), order=int(row["SortOrder"]))


def valid_on(row: Row, day: date) -> bool:
    """A relationship without validity dates is always valid; with them, only between them (inclusive)."""
    start, end = row.get("ValidityStartDate"), row.get("ValidityEndDate")
    return (not start or date.fromisoformat(start) <= day) and (not end or day <= date.fromisoformat(end))


def shown_price(validities: Iterable[Row]) -> ShownPrice | None:
    """One material's price from its valid PPR0/ZPRM records: a promotion wins, the list price is compare-at.

    Deleted records and customer- or plant-specific ones (not a reference price) are skipped;
    should two records of a type overlap, the later-starting one holds, as in SAP's own pricing.
    """
    prices: dict[str, Money] = {}
    for row in sorted(validities, key=_starts):
        record = row.get("to_SlsPrcgConditionRecord") or {}
        if record.get("ConditionIsDeleted") or row.get("Customer") or row.get("Plant"):
            continue
        prices[str(row["ConditionType"])] = unit_price(record)
    if promotion := prices.get(PROMOTION):
        return ShownPrice(System.ERP, promotion, compare_at=prices.get(LIST_PRICE))
    if listed := prices.get(LIST_PRICE):
        return ShownPrice(System.ERP, listed)
    return None


def unit_price(record: Row) -> Money:
    """Rate per pricing unit (`49.990` per `1`, or per 100 pieces), kept exact; in cents when exact."""
    per_unit = _decimal(record.get("ConditionQuantity") or "1") or Decimal(1)
    amount = _decimal(record["ConditionRateValue"]) / per_unit
    in_cents = amount.quantize(CENT)
    return Money(in_cents if in_cents == amount else amount, str(record["ConditionRateValueUnit"]))


def group_by(rows: Sequence[Row], field: str) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(str(row[field]), []).append(row)
    return groups


def _decimal(value: Any) -> Decimal:
    """v2 sends Edm.Decimal as a string; str() keeps a stray JSON number from becoming a binary float."""
    return Decimal(value if isinstance(value, str) else str(value))


def _starts(row: Row) -> int:
    """Milliseconds of a v2 `/Date(1748736000000)/`; a missing start sorts first."""
    found = _V2_INSTANT.match(str(row.get("ConditionValidityStartDate") or ""))
    return int(found.group(1)) if found else 0


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
