"""SAP's Python OData client, pyodata, on the ERP simulator's v2 services (pricing, stock, product groups), as an
integrator would use it:
`pyodata.Client(url, requests.Session())` with HTTP Basic, which reads `$metadata` first, then the entity set
calls the adapter makes (same filters, `$select`, `$expand`, `$top`/`$skip`, `__next`).

pyodata speaks OData v2 only: the v4 product services are checked by a CSDL parse in test_sim_erp_metadata.py.
pyodata is synchronous (requests), so each scenario runs in a thread while the simulator serves on the loop.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import pyodata
import pytest
import requests
from pyodata.exceptions import HttpError

from connectors.credentials import DEMO_CREDENTIALS
from connectors.erp.adapter import condition_filter, group_text_filter
from connectors.erp.reads import CONDITION_VALIDITY, GROUP_TEXT
from simulators.erp.odata_server import query
from simulators.world import CATEGORIES, World

from .test_sim_erp_support import GROUP_ROOT, PRICING_ROOT, STOCK_ROOT, Erp, keys_filter, running_erp

LOGON = (DEMO_CREDENTIALS.erp_user, DEMO_CREDENTIALS.erp_password)
SALES_AREA = ("1010", "10")
STOCK_SELECT = "Material,Plant,StorageLocation,InventoryStockType,MaterialBaseUnit,MatlWrhsStkQtyInMatlBaseUnit"
OPEN_END = datetime(9999, 12, 31, tzinfo=UTC)
T = TypeVar("T")
Service = Any  # pyodata.v2.service.Service: the library ships no type hints


@pytest.fixture
async def erp(world: World) -> AsyncIterator[Erp]:
    async with running_erp(world) as running:
        yield running


async def with_client(erp: Erp, root: str, scenario: Callable[[Service], T], logon: tuple[str, str] = LOGON) -> T:
    """Runs `scenario` on a pyodata client of `root`, in a thread, with a session closed afterwards."""
    def run() -> T:
        with requests.Session() as session:
            session.auth = logon
            return scenario(pyodata.Client(f"{erp.url}{root}", session))
    return await asyncio.to_thread(run)


def unit_price(validity: Any) -> Decimal:
    record = validity.to_SlsPrcgConditionRecord
    return Decimal(record.ConditionRateValue) / Decimal(record.ConditionQuantity)


async def test_reference_prices_as_the_adapter_asks(erp: Erp, world: World) -> None:
    # given fifty materials, some on promotion today
    chosen = world.products[:50]
    options = CONDITION_VALIDITY.v2_options()

    # when pyodata reads their valid conditions with the adapter's filter, $select and $expand
    def read(client: Service) -> Any:
        return (client.entity_sets.A_SlsPrcgCndnRecdValidity.get_entities()
                .filter(condition_filter([p.sku for p in chosen], SALES_AREA, world.as_of))
                .select(options["$select"]).expand(options["$expand"]).count(inline=True).execute())
    rows = await with_client(erp, PRICING_ROOT, read)

    # then every price is the world's, typed from $metadata (Edm.DateTime as an aware datetime)
    live = [r for r in rows if not r.to_SlsPrcgConditionRecord.ConditionIsDeleted]
    prices = {(r.Material, r.ConditionType): unit_price(r) for r in live}
    assert rows.total_count == len(rows)
    for product in chosen:
        assert prices[(product.sku, "PPR0")] == Decimal(product.list_price) / 100
        promotion = next((x for x in product.promotions if x.starts <= world.as_of <= x.ends), None)
        assert prices.get((product.sku, "ZPRM")) == (None if promotion is None else Decimal(promotion.price) / 100)
    assert all(isinstance(r.ConditionValidityStartDate, datetime) for r in rows)


async def test_a_condition_record_and_a_validity_by_their_keys(erp: Erp, world: World) -> None:
    # given a material's list price record
    sku = world.products[0].sku

    # when pyodata reads the validity by its two-part key, then its record by ConditionRecord + sequential number
    def read(client: Service) -> tuple[Any, Any]:
        [validity] = (client.entity_sets.A_SlsPrcgCndnRecdValidity.get_entities()
                      .filter(f"Material eq '{sku}' and ConditionType eq 'PPR0'").execute())
        again = client.entity_sets.A_SlsPrcgCndnRecdValidity.get_entity(
            ConditionRecord=validity.ConditionRecord, ConditionValidityEndDate=OPEN_END).execute()
        record = client.entity_sets.A_SlsPrcgConditionRecord.get_entity(
            ConditionRecord=validity.ConditionRecord, ConditionSequentialNumber="01").execute()
        return again, record
    validity, record = await with_client(erp, PRICING_ROOT, read)

    # then both are found, and the record carries the list price
    assert validity.Material == sku and validity.ConditionValidityEndDate == OPEN_END
    assert record.ConditionRecord == validity.ConditionRecord and record.ConditionType == "PPR0"
    assert Decimal(record.ConditionRateValue) == Decimal(world.products[0].list_price) / 100


async def test_top_skip_and_the_servers_next_link(erp: Erp, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a server page smaller than the set (the small world has fewer rows than the real 1000)
    monkeypatch.setattr(query, "V2_MAX_PAGE", 200)

    # when pyodata reads a $top/$skip slice, then the whole set following each __next
    def read(client: Service) -> tuple[list[str], list[str], int, int]:
        validities = client.entity_sets.A_SlsPrcgCndnRecdValidity
        window = validities.get_entities().select("ConditionRecord").top(50).skip(100).execute()
        page = validities.get_entities().select("ConditionRecord").execute()
        everything, pages = list(page), 1
        while page.next_url:
            page = validities.get_entities().next_url(page.next_url).execute()
            everything, pages = everything + list(page), pages + 1
        count = validities.get_entities().count().execute()
        return [r.ConditionRecord for r in window], [r.ConditionRecord for r in everything], pages, count
    window, everything, pages, count = await with_client(erp, PRICING_ROOT, read)

    # then the slice is the server's, and the pages add up to the $count, each record once
    assert window == everything[100:150]
    assert pages > 1 and len(everything) == len(set(everything)) == count


async def test_dc_stock_as_the_sheet_reads_it(erp: Erp, world: World) -> None:
    # given fifty materials
    chosen = world.products[:50]
    listed = next(p for p in chosen if not p.delisted)

    # when pyodata reads their stock in the plant, one material with its rows expanded, and the count
    def read(client: Service) -> tuple[Any, Any, int]:
        stock = client.entity_sets.A_MatlStkInAcctMod
        rows = (stock.get_entities().filter(f"({keys_filter('Material', [p.sku for p in chosen])}) and Plant eq '1010'")
                .select(STOCK_SELECT).execute())
        material = client.entity_sets.A_MaterialStock.get_entity(listed.sku).expand("to_MatlStkInAcctMod").execute()
        return rows, material, stock.get_entities().count().execute()
    rows, material, count = await with_client(erp, STOCK_ROOT, read)

    # then listed materials have unrestricted stock, the expansion holds the material's rows, the count is a number
    unrestricted = {r.Material: Decimal(r.MatlWrhsStkQtyInMatlBaseUnit) for r in rows if r.InventoryStockType == "01"}
    assert {p.sku for p in chosen if not p.delisted} == set(unrestricted)
    assert [r.Material for r in material.to_MatlStkInAcctMod] and all(
        r.Material == listed.sku for r in material.to_MatlStkInAcctMod)
    assert count >= len(rows)


async def test_product_group_texts_as_the_adapter_asks(erp: Erp) -> None:
    # given every world category's group
    groups = [c.erp_group for c in CATEGORIES]

    # when pyodata reads their texts with the adapter's filter and $select, and one group with its texts expanded
    def read(client: Service) -> tuple[Any, Any]:
        texts = (client.entity_sets.A_ProductGroupText.get_entities().filter(group_text_filter(groups, "FR"))
                 .select(GROUP_TEXT.v2_options()["$select"]).execute())
        group = client.entity_sets.A_ProductGroup.get_entity("L001").expand("to_Text").execute()
        return texts, group
    texts, group = await with_client(erp, GROUP_ROOT, read)

    # then each group has its French name and an English one, and the expansion holds the group's texts
    french = {t.MaterialGroup: t.MaterialGroupText for t in texts if t.Language == "FR"}
    assert french == {c.erp_group: c.name for c in CATEGORIES}
    assert {t.MaterialGroup for t in texts if t.Language == "EN"} == set(groups)
    assert {(t.MaterialGroup, t.Language) for t in group.to_Text} == {("L001", "FR"), ("L001", "EN")}


async def test_a_wrong_password_stops_at_metadata(erp: Erp) -> None:
    # when pyodata starts with a wrong password, then reading $metadata fails with SAP's 401
    with pytest.raises(HttpError) as refused:
        await with_client(erp, PRICING_ROOT, lambda client: client, logon=("omnigate", "not-the-password"))
    assert refused.value.response.status_code == 401
