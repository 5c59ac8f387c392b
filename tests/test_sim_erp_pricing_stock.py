"""ERP simulator, OData v2: sales price conditions and DC material stock."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from simulators.world import DemoProduct, World

from .test_sim_erp_support import JSON, PRICING_ROOT, STOCK_ROOT, Erp, keys_filter, running_erp

VALIDITIES = f"{PRICING_ROOT}/A_SlsPrcgCndnRecdValidity"
RECORDS = f"{PRICING_ROOT}/A_SlsPrcgConditionRecord"
STOCK = f"{STOCK_ROOT}/A_MatlStkInAcctMod"
MATERIAL_STOCK = f"{STOCK_ROOT}/A_MaterialStock"
PRICE_FILTER = ("(ConditionType eq 'PPR0' or ConditionType eq 'ZPRM') and SalesOrganization eq '1010' and "
                "DistributionChannel eq '10' and ({materials}) and "
                "ConditionValidityStartDate le datetime'{day}T00:00:00' and "
                "ConditionValidityEndDate ge datetime'{day}T00:00:00'")
STOCK_FILTER = "({materials}) and Plant eq '1010'"
STOCK_SELECT = "Material,Plant,StorageLocation,InventoryStockType,MaterialBaseUnit,MatlWrhsStkQtyInMatlBaseUnit"
OPEN_END = "/Date(253402214400000)/"


@pytest.fixture
async def erp(world: World) -> AsyncIterator[Erp]:
    async with running_erp(world) as running:
        yield running


def v2_date(day: date) -> str:
    return f"/Date({int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000})/"


def unit_price(row: dict[str, Any]) -> Decimal:
    record = row["to_SlsPrcgConditionRecord"]
    return Decimal(record["ConditionRateValue"]) / Decimal(record["ConditionQuantity"])


async def prices(erp: Erp, products: list[DemoProduct], day: date) -> list[dict[str, Any]]:
    params = {"$filter": PRICE_FILTER.format(materials=keys_filter("Material", [p.sku for p in products]),
                                             day=day.isoformat()),
              "$expand": "to_SlsPrcgConditionRecord", "$inlinecount": "allpages", **JSON}
    status, body = await erp.get(VALIDITIES, params)
    assert status == 200
    assert body["d"]["__count"] == str(len(body["d"]["results"]))
    return list(body["d"]["results"])


async def test_reference_prices_of_fifty_materials(erp: Erp, world: World) -> None:
    # given fifty materials, some on promotion today, some whose promotion is over
    running = [p for p in world.products if any(x.starts <= world.as_of <= x.ends for x in p.promotions)]
    over = [p for p in world.products if p.promotions and p not in running]
    chosen = (running[:15] + over[:10] + [p for p in world.products if not p.promotions])[:50]
    # when their conditions valid today are read
    rows = await prices(erp, chosen, world.as_of)
    # then PPR0 is the list price, ZPRM the running promotion, and an expired promotion is filtered out
    live = [r for r in rows if not r["to_SlsPrcgConditionRecord"]["ConditionIsDeleted"]]
    by_type: dict[tuple[str, str], Decimal] = {(r["Material"], r["ConditionType"]): unit_price(r) for r in live}
    for product in chosen:
        assert by_type[(product.sku, "PPR0")] == Decimal(product.list_price) / 100
        promotion = next((x for x in product.promotions if x.starts <= world.as_of <= x.ends), None)
        assert by_type.get((product.sku, "ZPRM")) == (None if promotion is None else Decimal(promotion.price) / 100)


async def test_a_price_row_speaks_v2(erp: Erp, world: World) -> None:
    # given a material on promotion
    product = next(p for p in world.products if any(x.starts <= world.as_of <= x.ends for x in p.promotions))
    promotion = product.promotions[0]
    # when its prices are read
    rows = await prices(erp, [product], world.as_of)
    # then the list price is open-ended and the promotion carries its own validity, all in v2 formats
    ppr0 = next(r for r in rows if r["ConditionType"] == "PPR0")
    zprm = next(r for r in rows if r["ConditionType"] == "ZPRM")
    assert ppr0["ConditionValidityEndDate"] == OPEN_END
    assert zprm["ConditionValidityStartDate"] == v2_date(promotion.starts)
    assert zprm["ConditionValidityEndDate"] == v2_date(promotion.ends)
    assert ppr0["SalesOrganization"] == "1010" and ppr0["DistributionChannel"] == "10"
    record = ppr0["to_SlsPrcgConditionRecord"]
    assert record["ConditionRateValue"] == f"{Decimal(product.list_price) / 100:.3f}"
    assert record["ConditionRateValueUnit"] == "EUR" and record["ConditionIsDeleted"] is False
    assert ppr0["__metadata"]["type"].endswith(".A_SlsPrcgCndnRecdValidityType")
    assert ppr0["__metadata"]["uri"].startswith("http") and "/erp/sap/opu/odata/sap/" in ppr0["__metadata"]["uri"]


async def test_an_expired_promotion_is_there_for_its_own_dates(erp: Erp, world: World) -> None:
    # given a material whose promotion is over
    product = next(p for p in world.products
                   if p.promotions and not any(x.starts <= world.as_of <= x.ends for x in p.promotions))
    promotion = product.promotions[0]
    # when its prices are read on a day inside the promotion
    rows = await prices(erp, [product], promotion.starts)
    # then the promotion applied that day
    zprm = [unit_price(r) for r in rows if r["ConditionType"] == "ZPRM"]
    assert zprm == [Decimal(promotion.price) / 100]


async def test_deleted_conditions_are_flagged(erp: Erp, world: World) -> None:
    # when every condition of the pricing service is read
    status, body = await erp.get(VALIDITIES, {"$expand": "to_SlsPrcgConditionRecord", **JSON})
    rows = body["d"]["results"]
    # then a few records are deleted, and a deleted record never stands for a world promotion
    deleted = [r for r in rows if r["to_SlsPrcgConditionRecord"]["ConditionIsDeleted"]]
    assert status == 200 and deleted
    assert all(not world.product_by_sku[r["Material"]].promotions for r in deleted)


async def test_pricing_unit_divides_the_rate(erp: Erp, world: World) -> None:
    # given coffee, priced per ten pieces
    coffee = [p for p in world.products if p.category == "CAP"][:5]
    # when its list prices are read
    rows = await prices(erp, coffee, world.as_of)
    # then rate / quantity is the unit price
    for row in (r for r in rows if r["ConditionType"] == "PPR0"):
        assert row["to_SlsPrcgConditionRecord"]["ConditionQuantity"] == "10"
        assert unit_price(row) == Decimal(world.product_by_sku[row["Material"]].list_price) / 100


async def test_condition_record_by_key_and_unknown_key(erp: Erp, world: World) -> None:
    # given the list price row of one material
    product = world.products[0]
    row = (await prices(erp, [product], world.as_of))[0]
    # when the validity is read through its uri, and an unknown record by key
    found = await erp.follow(row["__metadata"]["uri"] + "?$format=json")
    status, missing = await erp.get(f"{RECORDS}(ConditionRecord='9999999999',ConditionSequentialNumber='01')", JSON)
    # then the first is the same row and the second is a v2 not found
    assert found[0] == 200 and found[1]["d"]["ConditionRecord"] == row["ConditionRecord"]
    assert "to_SlsPrcgConditionRecord" in found[1]["d"]  # deferred link
    assert status == 404
    assert missing["error"]["message"]["lang"] == "en" and missing["error"]["innererror"]["errordetails"]


async def test_a_condition_record_is_keyed_on_record_and_sequential_number(erp: Erp, world: World) -> None:
    # given the list price record of one material, expanded from its validity
    row = (await prices(erp, [world.products[0]], world.as_of))[0]
    record = row["to_SlsPrcgConditionRecord"]
    # when it is read through its uri, and by the record number alone
    found = await erp.follow(record["__metadata"]["uri"] + "?$format=json")
    status, partial = await erp.get(f"{RECORDS}('{record['ConditionRecord']}')", JSON)
    # then the uri names both key properties, and half a key is a v2 bad request
    assert record["__metadata"]["uri"].endswith(
        f"/A_SlsPrcgConditionRecord(ConditionRecord='{record['ConditionRecord']}',ConditionSequentialNumber='01')")
    assert found[0] == 200 and found[1]["d"]["ConditionRateValue"] == record["ConditionRateValue"]
    assert status == 400 and "ConditionSequentialNumber" in partial["error"]["message"]["value"]


async def test_dc_stock_of_fifty_materials(erp: Erp, world: World) -> None:
    # given fifty materials
    chosen = world.products[:50]
    params = {"$filter": STOCK_FILTER.format(materials=keys_filter("Material", [p.sku for p in chosen])),
              "$select": STOCK_SELECT, **JSON}
    # when their DC stock is read
    status, body = await erp.get(STOCK, params)
    # then listed materials have unrestricted stock derived from the web shop's, delisted ones none
    assert status == 200
    unrestricted = {r["Material"]: r for r in body["d"]["results"] if r["InventoryStockType"] == "01"}
    for product in chosen:
        if product.delisted:
            assert product.sku not in unrestricted
            continue
        row = unrestricted[product.sku]
        assert row["Plant"] == "1010" and row["StorageLocation"] == "0001" and row["MaterialBaseUnit"] == "PC"
        quantity = Decimal(row["MatlWrhsStkQtyInMatlBaseUnit"])
        assert row["MatlWrhsStkQtyInMatlBaseUnit"].endswith(".000")
        assert product.online_stock * 4 <= quantity < product.online_stock * 4 + 9
        assert set(row) == {"__metadata", *STOCK_SELECT.split(",")}


async def test_material_stock_expands_its_rows(erp: Erp, world: World) -> None:
    # given a listed material
    product = next(p for p in world.products if not p.delisted)
    # when its stock is read by key with the rows expanded
    status, body = await erp.get(f"{MATERIAL_STOCK}('{product.sku}')",
                                 {"$expand": "to_MatlStkInAcctMod", **JSON})
    # then the rows come inline as a v2 collection
    assert status == 200
    rows = body["d"]["to_MatlStkInAcctMod"]["results"]
    assert rows and all(r["Material"] == product.sku for r in rows)


async def test_v2_without_json_is_not_acceptable(erp: Erp) -> None:
    # when a v2 service is asked without $format=json nor Accept: application/json
    status, body = await erp.get(STOCK, {"$top": "1"}, headers={"Accept": "*/*"})
    # then the simulator says it only speaks JSON, in the v2 error shape
    assert status == 406
    assert body["error"]["message"]["value"]
    # and Accept: application/json is enough
    ok, _ = await erp.get(STOCK, {"$top": "1"}, headers={"Accept": "application/json"})
    assert ok == 200
