"""ERP simulator page caps, on the default-size world (the small one has too few rows to reach them)."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from simulators.erp.simulator import ErpSimulator
from simulators.world import Scale, World, build_world

from .test_sim_erp_support import JSON, PRICING_ROOT, PRODUCT_ROOT, Erp, keys_filter, running_erp

DESCRIPTIONS = f"{PRODUCT_ROOT}/ProductDescription"
PRODUCTS = f"{PRODUCT_ROOT}/Product"
VALIDITIES = f"{PRICING_ROOT}/A_SlsPrcgCndnRecdValidity"
V4_CAP, V2_CAP = 5000, 1000


@pytest.fixture(scope="module")
def big_world() -> World:
    return build_world(seed=7, scale=Scale.DEFAULT, as_of=date(2026, 11, 20))


@pytest.fixture(scope="module")
def big_sim(big_world: World) -> ErpSimulator:
    return ErpSimulator(big_world)


@pytest.fixture
async def erp(big_world: World, big_sim: ErpSimulator) -> AsyncIterator[Erp]:
    async with running_erp(big_world, big_sim) as running:
        yield running


async def walk_v4(erp: Erp, path: str, params: dict[str, str]) -> list[list[dict[str, Any]]]:
    status, body = await erp.get(path, params)
    pages = []
    while True:
        assert status == 200
        pages.append(body["value"])
        if "@odata.nextLink" not in body:
            return pages
        status, body = await erp.follow(body["@odata.nextLink"])


async def walk_v2(erp: Erp, path: str, params: dict[str, str]) -> list[list[dict[str, Any]]]:
    status, body = await erp.get(path, {**params, **JSON})
    pages = []
    while True:
        assert status == 200
        pages.append(body["d"]["results"])
        if "__next" not in body["d"]:
            return pages
        assert body["d"]["__next"].startswith("http") and "/erp/" in body["d"]["__next"]
        status, body = await erp.follow(body["d"]["__next"])


async def test_v4_top_over_5000_is_cut_at_5000_and_continued(erp: Erp, big_world: World) -> None:
    # given more descriptions than one page holds
    keys = sorted((p.sku, lang) for p in big_world.products for lang in ("EN", "FR"))
    # when 6000 of them are asked for from row 10
    pages = await walk_v4(erp, DESCRIPTIONS, {"$top": "6000", "$skip": "10", "$select": "Product,Language"})
    # then the first page is cut at 5000 and the link delivers the rest, no gap, no duplicate
    assert [len(p) for p in pages] == [V4_CAP, 1000]
    assert [(r["Product"], r["Language"]) for p in pages for r in p] == keys[10:6010]


async def test_v4_top_of_exactly_5000_is_one_page(erp: Erp) -> None:
    # when exactly the cap is asked for
    pages = await walk_v4(erp, DESCRIPTIONS, {"$top": str(V4_CAP), "$select": "Product"})
    # then it comes in one page
    assert [len(p) for p in pages] == [V4_CAP]


async def test_v2_pages_of_1000_walk_to_the_end(erp: Erp) -> None:
    # given how many condition validities there are
    status, total = await erp.get(f"{VALIDITIES}/$count")
    # when all are read without $top, following __next
    pages = await walk_v2(erp, VALIDITIES, {"$select": "ConditionRecord,ConditionValidityEndDate",
                                            "$inlinecount": "allpages"})
    # then pages are full up to the last, and every record comes once, in key order
    records = [r["ConditionRecord"] for p in pages for r in p]
    assert status == 200 and int(total) > 5 * V2_CAP
    assert all(len(p) == V2_CAP for p in pages[:-1]) and 0 < len(pages[-1]) <= V2_CAP
    assert records == sorted(set(records)) and len(records) == int(total)


async def test_v2_top_over_1000_with_skip(erp: Erp) -> None:
    # given the full list of records
    everything = [r["ConditionRecord"] for p in await walk_v2(erp, VALIDITIES, {"$select": "ConditionRecord"})
                  for r in p]
    # when 1500 are asked for from row 100
    pages = await walk_v2(erp, VALIDITIES, {"$select": "ConditionRecord", "$top": "1500", "$skip": "100"})
    # then they come as 1000 + 500, exactly that slice
    assert [len(p) for p in pages] == [V2_CAP, 500]
    assert [r["ConditionRecord"] for p in pages for r in p] == everything[100:1600]


async def test_fifty_keys_out_of_thousands(erp: Erp, big_world: World) -> None:
    # given fifty articles spread over the catalog, asked for in reverse
    wanted = [p.sku for p in big_world.products[::100]][:50][::-1]
    # when they are read by key
    status, body = await erp.get(PRODUCTS, {"$filter": keys_filter("Product", wanted), "$select": "Product"})
    # then exactly those come back, in key order
    assert status == 200 and [r["Product"] for r in body["value"]] == sorted(wanted)


async def test_every_product_has_one_list_price(erp: Erp, big_world: World) -> None:
    # when the list prices are counted
    status, count = await erp.get(f"{VALIDITIES}/$count", {"$filter": "ConditionType eq 'PPR0'"})
    # then there is one per product, delisted ones included
    assert status == 200 and int(count) == len(big_world.products)
