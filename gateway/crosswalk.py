"""The product crosswalk: canonical sku <-> GTIN <-> web shop product id.

Built from the systems' own listings (the ERP's sku and GTIN, the web shop's
id and sku as it stores it). Web shop skus are matched after normalising case
and spaces; each mismatch is logged once as a data-quality warning.
"""

import logging
from collections.abc import Iterable

log = logging.getLogger("omnigate.data_quality")


def normalise_sku(sku: str) -> str:
    return "".join(sku.split()).upper()


class DataQualityLog:
    """Remembers what was reported, so a refresh does not repeat the same warning."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    def warn_once(self, problem: str, product_id: str, stored: str) -> None:
        if (product_id, stored) not in self._seen:
            self._seen.add((product_id, stored))
            log.warning("data quality: %s: web shop product %s has sku %r", problem, product_id, stored)


class Crosswalk:
    """`webshop_known` is False when the web shop's listing could not be read: its ids are then unknown."""

    def __init__(self, erp_keys: Iterable[tuple[str, str | None]], webshop_keys: Iterable[tuple[str, str]] | None,
                 quality: DataQualityLog) -> None:
        self.skus: list[str] = []
        self.gtin_of: dict[str, str] = {}
        self.sku_of_gtin: dict[str, str] = {}
        self._canonical: dict[str, str] = {}
        for sku, gtin in erp_keys:
            self._canonical[normalise_sku(sku)] = sku
            self.skus.append(sku)
            if gtin:
                self.gtin_of[sku] = gtin
                self.sku_of_gtin[gtin] = sku
        self.webshop_id_of: dict[str, str] = {}
        self.sku_of_webshop_id: dict[str, str] = {}
        self.webshop_known = webshop_keys is not None
        for product_id, stored in webshop_keys or ():
            canonical = self.canonical_sku(stored)
            if canonical is None:
                quality.warn_once("web shop sku unknown to the ERP", product_id, stored)
                continue
            if canonical != stored:
                quality.warn_once(f"web shop sku differs from the ERP's {canonical!r}", product_id, stored)
            self.webshop_id_of[canonical] = product_id
            self.sku_of_webshop_id[product_id] = canonical

    def canonical_sku(self, recorded: str) -> str | None:
        """The ERP's sku for a sku as some system recorded it (any case, stray spaces)."""
        return self._canonical.get(normalise_sku(recorded))

    def sku_for_line(self, sku: str | None, gtin: str | None) -> str | None:
        """A purchase line's canonical sku: by GTIN first (the till's key), else by the recorded sku."""
        if gtin and gtin in self.sku_of_gtin:
            return self.sku_of_gtin[gtin]
        return self.canonical_sku(sku) if sku else None

