"""The ERP connector: Health, Catalog and Pricing over SAP S/4HANA OData.

Products and their texts come from API_PRODUCT (v4), category names from the
product group texts (v2), accessories from the customer's ZAPI_PRODREL
extension (v4), reference prices from the sales pricing condition records (v2).
Every batch is cut into requests of at most 50 keys (ours: SAP documents no
limit, the URL length sets one), sent concurrently.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from typing import TypeVar

import aiohttp

from connectors.domain import Product, Relation, SearchPage, ShownPrice, System
from connectors.http import UpstreamClient, basic_auth
from connectors.resilience.policy import DEFAULT_RESILIENCE, Resilience
from connectors.resilience.snapshot import UpstreamHealth

from .odata_reader import V2, V4, ODataReader, Row, read_error, unexpected_payload
from .odata_urls import all_of, any_of, chunked, literal, unique, v2_datetime
from .reads import BRAND_FIELD, CONDITION_VALIDITY, GROUP_TEXT, PRODUCT, RELATIONSHIP
from .to_domain import (
    FALLBACK_LANGUAGE,
    LIST_PRICE,
    PROMOTION,
    ProductView,
    group_by,
    group_names,
    product,
    product_key,
    relation,
    shown_price,
    valid_on,
)

PRODUCT_SET, RELATIONSHIP_SET, PRICE_SET = PRODUCT.path, RELATIONSHIP.path, CONDITION_VALIDITY.path
KEYS_PER_CALL = 50
SKU_MAX_LENGTH = 40  # Product is Edm.String(40): a longer key cannot exist, so it is not asked for
GROUP_MAX_LENGTH = 9  # ProductGroup (MaterialGroup) is Edm.String(9)

T = TypeVar("T")


def _utc_today() -> date:
    return datetime.now(UTC).date()


class ErpAdapter:
    system = System.ERP

    def __init__(self, reader: ODataReader, view: ProductView, sales_org: str, distribution_channel: str,
                 today: Callable[[], date]) -> None:
        self._reader = reader
        self._view = view
        self._sales_area = (sales_org, distribution_channel)
        self._today = today

    @classmethod
    def connect(cls, session: aiohttp.ClientSession, base_url: str, user: str, password: str, *,
                timeout_s: float = 2.0, sales_org: str, distribution_channel: str,
                delisted_statuses: tuple[str, ...] = (), language: str = "FR",
                brand_field: str | None = BRAND_FIELD,
                today: Callable[[], date] = _utc_today,
                resilience: Resilience = DEFAULT_RESILIENCE) -> "ErpAdapter":
        """`today` dates validity (prices, relations); `brand_field` is None when the system has none."""
        headers = {"Accept": "application/json", **basic_auth(user, password)}
        client = UpstreamClient(System.ERP.value, base_url, session, headers=headers, timeout_s=timeout_s,
                                read_error=read_error, resilience=resilience)
        statuses = frozenset(status.strip() for status in delisted_statuses if status.strip())
        return cls(ODataReader(client), ProductView(language, brand_field, statuses), sales_org,
                   distribution_channel, today)

    async def check(self) -> None:
        await self._reader.page(PRODUCT_SET, {"$top": "1", "$select": "Product"}, V4)

    def health_snapshot(self) -> UpstreamHealth:
        return self._reader.client.health_snapshot()

    async def products(self, skus: Sequence[str]) -> list[Product | None]:
        rows = await self._per_chunk(skus, self._product_rows)
        with unexpected_payload(self.system.value):
            found = {item.sku: item for item in (product(row, self._view) for row in rows)}
        return [found.get(sku) for sku in skus]

    async def product_keys(self) -> list[tuple[str, str | None]]:
        params = {"$select": "Product,ProductStandardID", "$orderby": "Product"}
        rows = await self._reader.rows(PRODUCT_SET, params, V4)
        with unexpected_payload(self.system.value):
            return [product_key(row) for row in rows]

    async def search(self, text: str | None, category: str | None, offset: int, limit: int) -> SearchPage:
        """Listed products whose name (in the configured language) contains `text`, in `category`; by sku.

        One query on Product, not on ProductDescription, so delisted products are
        excluded by the server and the count matches the pages.
        """
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        params = {"$filter": self._search_filter(text, category), "$select": "Product", "$orderby": "Product",
                  "$count": "true", "$top": str(limit), "$skip": str(offset)}
        rows, first = await self._reader.page(PRODUCT_SET, params, V4)
        with unexpected_payload(self.system.value):
            skus = tuple(str(row["Product"]) for row in rows)
            return SearchPage(total=int(first["@odata.count"]), skus=skus)

    async def category_names(self, codes: Sequence[str]) -> list[str | None]:
        """Each product group's text in the configured language, else in English; None for an unknown group."""
        rows = await self._per_chunk(codes, self._group_text_rows, GROUP_MAX_LENGTH)
        with unexpected_payload(self.system.value):
            found = group_names(rows, self._view.language)
        return [found.get(code) for code in codes]

    async def relations(self, skus: Sequence[str]) -> list[tuple[Relation, ...]]:
        rows = await self._per_chunk(skus, self._relation_rows)
        today = self._today()
        found: dict[str, list[Relation]] = {}
        with unexpected_payload(self.system.value):
            for item in (relation(row) for row in rows if valid_on(row, today)):
                found.setdefault(item.sku, []).append(item)
        return [tuple(found.get(sku, ())) for sku in skus]

    async def prices(self, keys: Sequence[str]) -> list[ShownPrice | None]:
        today = self._today()
        rows = await self._per_chunk(keys, lambda chunk: self._condition_rows(chunk, today))
        with unexpected_payload(self.system.value):
            by_material = group_by(rows, "Material")
            found = {material: shown_price(records) for material, records in by_material.items()}
        return [found.get(key) for key in keys]

    async def _per_chunk(self, keys: Sequence[str], fetch: Callable[[Sequence[str]], Awaitable[list[T]]],
                         max_length: int = SKU_MAX_LENGTH) -> list[T]:
        """Distinct keys that can exist, in chunks of KEYS_PER_CALL fetched concurrently; rows in one list."""
        askable = [key for key in unique(keys) if 0 < len(key) <= max_length]
        chunks = await asyncio.gather(*(fetch(chunk) for chunk in chunked(askable, KEYS_PER_CALL)))
        return [row for chunk in chunks for row in chunk]

    async def _product_rows(self, skus: Sequence[str]) -> list[Row]:
        brand = (self._view.brand_field,) if self._view.brand_field else ()
        params = {"$filter": any_of("Product", skus), **PRODUCT.v4_options(*brand), "$orderby": "Product"}
        return await self._reader.rows(PRODUCT_SET, params, V4)

    async def _group_text_rows(self, groups: Sequence[str]) -> list[Row]:
        params = {"$filter": group_text_filter(groups, self._view.language), **GROUP_TEXT.v2_options(),
                  "$format": "json"}
        return await self._reader.rows(GROUP_TEXT.path, params, V2)

    async def _relation_rows(self, skus: Sequence[str]) -> list[Row]:
        params = {"$filter": any_of("Product", skus), **RELATIONSHIP.v4_options(),
                  "$orderby": "Product,SortOrder,RelatedProduct"}
        return await self._reader.rows(RELATIONSHIP_SET, params, V4)

    async def _condition_rows(self, materials: Sequence[str], today: date) -> list[Row]:
        params = {"$filter": condition_filter(materials, self._sales_area, today), **CONDITION_VALIDITY.v2_options(),
                  "$format": "json"}
        return await self._reader.rows(PRICE_SET, params, V2)

    def _search_filter(self, text: str | None, category: str | None) -> str:
        statuses = (f"CrossPlantStatus ne {literal(code)}" for code in sorted(self._view.delisted_statuses))
        conditions = ["IsMarkedForDeletion eq false", *statuses]
        if category:
            conditions.append(f"ProductGroup eq {literal(category)}")
        if text and text.strip():
            conditions.append(f"_ProductDescription/any(d:d/Language eq {literal(self._view.language)}"
                              f" and contains(d/ProductDescription,{literal(text.strip())}))")
        return all_of(*conditions)


def condition_filter(materials: Sequence[str], sales_area: tuple[str, str], day: date) -> str:
    """Valid PPR0 and ZPRM records of the sales area (org, channel); the validity filter drops expired promotions."""
    sales_org, channel = sales_area
    midnight = v2_datetime(day)
    return all_of(any_of("ConditionType", (LIST_PRICE, PROMOTION)), f"SalesOrganization eq {literal(sales_org)}",
                  f"DistributionChannel eq {literal(channel)}", any_of("Material", materials),
                  f"ConditionValidityStartDate le {midnight}", f"ConditionValidityEndDate ge {midnight}")


def group_text_filter(groups: Sequence[str], language: str) -> str:
    """The groups' texts in `language` and in English, the fallback."""
    languages = tuple(dict.fromkeys((language, FALLBACK_LANGUAGE)))
    return all_of(any_of("MaterialGroup", groups), any_of("Language", languages))
