"""Contract suite for the ERP adapter (Health, Catalog, Pricing), run against the SAP OData simulator.

Values are checked against the demo world, not constants; where batching is the
point, the simulator's request count is checked too (each act makes one kind of call).
"""

import base64
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from connectors.credentials import DEMO_CREDENTIALS
from connectors.domain import Money, Product, Relation, ShownPrice, System
from connectors.erp.adapter import PRODUCT_SET, ErpAdapter
from connectors.erp.odata_reader import V2, V4, Dialect, ODataReader, read_error
from connectors.erp.to_domain import ProductView, product, shown_price, unit_price
from connectors.errors import UpstreamAuthFailed, UpstreamRejected, UpstreamTimeout, UpstreamUnavailable
from connectors.http import UpstreamClient
from simulators.control import Faults
from simulators.erp.simulator import ErpSimulator
from simulators.world import CATEGORIES, DemoProduct, World

SALES_ORG, CHANNEL, DELISTED = "1010", "10", ("DL",)
PRICE_SET = "/sap/opu/odata/sap/API_SLSPRICINGCONDITIONRECORD_SRV/A_SlsPrcgCndnRecdValidity"
GROUP = {c.code: c.erp_group for c in CATEGORIES}
PAGE = 7
Connect = Callable[..., ErpAdapter]


@pytest.fixture
def sim(world: World) -> ErpSimulator:
    return ErpSimulator(world)


@pytest.fixture
async def base_url(sim: ErpSimulator) -> AsyncIterator[str]:
    yield await sim.start()
    await sim.stop()


@pytest.fixture
def connect(base_url: str, session: aiohttp.ClientSession, world: World) -> Connect:
    """Builds an adapter on the simulator; keyword arguments override the demo configuration."""
    def build(**overrides: Any) -> ErpAdapter:
        options: dict[str, Any] = {
            "user": DEMO_CREDENTIALS.erp_user, "password": DEMO_CREDENTIALS.erp_password, "timeout_s": 2.0,
            "sales_org": SALES_ORG, "distribution_channel": CHANNEL, "delisted_statuses": DELISTED,
            "today": lambda: world.as_of, **overrides}
        user, password = options.pop("user"), options.pop("password")
        return ErpAdapter.connect(session, base_url, user, password, **options)
    return build


@pytest.fixture
def erp(connect: Connect, sim: ErpSimulator) -> ErpAdapter:
    adapter = connect()
    sim.control.reset_stats()
    return adapter


@pytest.fixture
def reader(base_url: str, session: aiohttp.ClientSession) -> ODataReader:
    token = base64.b64encode(f"{DEMO_CREDENTIALS.erp_user}:{DEMO_CREDENTIALS.erp_password}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
    return ODataReader(UpstreamClient("erp", base_url, session, headers=headers, read_error=read_error))


def calls(sim: ErpSimulator) -> int:
    stats: Any = sim.control.stats()
    return int(stats["systems"]["erp"]["total"])


def listed(world: World) -> list[DemoProduct]:
    return [p for p in world.products if not p.delisted]


def as_product(p: DemoProduct) -> Product:
    return Product(sku=p.sku, name=p.name, gtin=p.gtin, brand=p.brand, category=GROUP[p.category],
                   delisted=p.delisted)


def as_price(world: World, p: DemoProduct) -> ShownPrice:
    running = [promo for promo in p.promotions if promo.starts <= world.as_of <= promo.ends]
    list_price = Money.from_cents(p.list_price)
    if running:
        return ShownPrice(System.ERP, Money.from_cents(running[0].price), compare_at=list_price)
    return ShownPrice(System.ERP, list_price)


def as_relations(p: DemoProduct) -> tuple[Relation, ...]:
    """In SortOrder, ties by related sku: the world gives every pick of one category the same order."""
    relations = (Relation(p.sku, r.sku, r.kind, r.order) for r in p.relations)
    return tuple(sorted(relations, key=lambda r: (r.order, r.related_sku)))


async def all_pages(erp: ErpAdapter, text: str | None, category: str | None) -> tuple[int, list[str], int]:
    """(total, every sku page after page, pages read) of one search."""
    first = await erp.search(text, category, 0, PAGE)
    skus, offset = list(first.skus), PAGE
    while offset < first.total:
        page = await erp.search(text, category, offset, PAGE)
        assert page.total == first.total
        skus += page.skus
        offset += PAGE
    return first.total, skus, max(1, math.ceil(first.total / PAGE))


# ---------------------------------------------------------------- health and credentials

async def test_wrong_password_is_auth_failed_with_the_page_text_only(connect: Connect) -> None:
    erp = connect(password="not-the-password")

    with pytest.raises(UpstreamAuthFailed) as caught:
        await erp.check()

    assert caught.value.system == "erp" and caught.value.status == 401
    assert "<" not in str(caught.value)


# ---------------------------------------------------------------- products

async def test_products_of_120_skus_take_three_calls_and_match_the_world(
        erp: ErpAdapter, sim: ErpSimulator, world: World) -> None:
    wanted = world.products[:120]

    found = await erp.products([p.sku for p in wanted])

    assert calls(sim) == math.ceil(120 / 50)
    assert found == [as_product(p) for p in wanted]


async def test_products_stay_aligned_with_unknown_repeated_and_impossible_keys(
        erp: ErpAdapter, sim: ErpSimulator, world: World) -> None:
    known = world.products[5]
    keys = [known.sku, "NOPE-1", known.sku, "O'Neil", "X" * 41, ""]

    found = await erp.products(keys)

    assert found == [as_product(known), None, as_product(known), None, None, None]
    assert calls(sim) == 1


async def test_delisted_follows_the_deletion_flag_and_the_configured_statuses(
        erp: ErpAdapter, connect: Connect, world: World) -> None:
    delisted = [p for p in world.products if p.delisted]
    skus = [p.sku for p in delisted]

    flagged = await erp.products(skus)
    without_statuses = await connect(delisted_statuses=()).products(skus)

    assert [p.delisted for p in flagged if p] == [True] * len(delisted)
    by_flag_only = [p for p in without_statuses if p and p.delisted]
    assert 0 < len(by_flag_only) < len(delisted)


async def test_a_field_the_system_lacks_is_rejected_with_its_message(connect: Connect, world: World) -> None:
    erp = connect(brand_field="YY1_Missing_PRD")

    with pytest.raises(UpstreamRejected) as caught:
        await erp.products([world.products[0].sku])

    assert caught.value.status == 400 and "YY1_Missing_PRD" in str(caught.value)


async def test_without_a_brand_field_the_brand_is_none(connect: Connect, world: World) -> None:
    found = await connect(brand_field=None).products([world.products[0].sku])

    assert found[0] is not None and found[0].brand is None and found[0].name == world.products[0].name


async def test_product_keys_hold_every_product_with_its_gtin(erp: ErpAdapter, sim: ErpSimulator,
                                                             world: World) -> None:
    keys = await erp.product_keys()

    assert sorted(keys) == sorted((p.sku, p.gtin) for p in world.products)
    assert calls(sim) == 1


# ---------------------------------------------------------------- search

async def test_search_without_criteria_pages_through_the_listed_catalog_by_sku(
        erp: ErpAdapter, sim: ErpSimulator, world: World) -> None:
    total, skus, pages = await all_pages(erp, None, None)

    assert total == len(listed(world))
    assert skus == sorted(p.sku for p in listed(world))
    assert calls(sim) == pages


@pytest.mark.parametrize("by_text, by_category", [(True, False), (False, True), (True, True)])
async def test_search_pages_add_up_to_the_total_and_match_the_world(
        erp: ErpAdapter, sim: ErpSimulator, world: World, by_text: bool, by_category: bool) -> None:
    sample = world.products[0]
    text = sample.brand.lower() if by_text else None
    group = GROUP[sample.category] if by_category else None

    total, skus, pages = await all_pages(erp, text, group)

    expected = sorted(p.sku for p in listed(world) if (text is None or text in p.name.lower())
                      and (group is None or GROUP[p.category] == group))
    assert total == len(skus) == len(expected) > 0
    assert skus == expected
    assert calls(sim) == pages


async def test_search_leaves_out_delisted_products_of_either_kind(erp: ErpAdapter, world: World) -> None:
    for gone in (p for p in world.products if p.delisted):
        page = await erp.search(gone.name, GROUP[gone.category], 0, 50)

        assert gone.sku not in page.skus


async def test_search_text_with_a_quote_is_a_literal_not_syntax(erp: ErpAdapter) -> None:
    page = await erp.search("l'objectif d'O''Neil", None, 0, 10)

    assert page.total == 0 and page.skus == ()


# ---------------------------------------------------------------- category names

async def test_category_names_of_every_group_take_one_call(erp: ErpAdapter, sim: ErpSimulator) -> None:
    codes = [c.erp_group for c in CATEGORIES]

    found = await erp.category_names([*codes, "L001", "NOPE", "TOO-LONG-CODE"])

    assert calls(sim) == 1
    assert found == [c.name for c in CATEGORIES] + [CATEGORIES[0].name, None, None]
    assert any(len(name) > 20 for name in found if name)  # the 60-character text, not the 20-character name


async def test_category_names_in_english_when_so_configured_or_as_the_fallback(connect: Connect) -> None:
    english = await connect(language="EN").category_names(["L001", "L015"])
    fallback = await connect(language="DE").category_names(["L001"])  # the ERP holds no German texts

    assert english == ["Cameras", "Power tools"] and fallback == ["Cameras"]


# ---------------------------------------------------------------- relations

async def test_relations_of_120_skus_take_three_calls_and_match_the_world(
        erp: ErpAdapter, sim: ErpSimulator, world: World) -> None:
    wanted = world.products[:120]

    found = await erp.relations([p.sku for p in wanted] + ["NOPE-1"])

    assert calls(sim) == math.ceil(120 / 50)
    assert found == [as_relations(p) for p in wanted] + [()]
    assert any(found)


# ---------------------------------------------------------------- prices

async def test_prices_of_120_skus_take_three_calls(erp: ErpAdapter, sim: ErpSimulator, world: World) -> None:
    await erp.prices([p.sku for p in world.products[:120]])

    assert calls(sim) == math.ceil(120 / 50)


async def test_prices_follow_list_prices_and_running_promotions_only(erp: ErpAdapter, world: World) -> None:
    running = [p for p in world.products if as_price(world, p).compare_at is not None]
    expired = [p for p in world.products if p.promotions and as_price(world, p).compare_at is None]
    assert running and expired  # the world holds both kinds, so the comparison below covers them

    found = await erp.prices([p.sku for p in world.products] + ["NOPE-1"])

    assert found == [as_price(world, p) for p in world.products] + [None]
    assert {price.amount.amount.as_tuple().exponent for price in found if price} == {-2}


async def test_nothing_is_valid_before_the_records_begin(connect: Connect, world: World) -> None:
    erp = connect(today=lambda: date(2000, 1, 1))
    skus = [p.sku for p in world.products[:60]]

    assert await erp.prices(skus) == [None] * len(skus)
    assert await erp.relations(skus) == [()] * len(skus)


# ---------------------------------------------------------------- faults

@pytest.mark.parametrize("faults", [Faults(down=True), Faults(error_rate=1.0)])
async def test_a_failing_erp_is_unavailable_naming_the_system(
        erp: ErpAdapter, sim: ErpSimulator, world: World, faults: Faults) -> None:
    sim.control.set_faults("erp", faults)
    skus = [world.products[0].sku]

    reads: list[Callable[[], Awaitable[object]]] = [
        lambda: erp.products(skus), lambda: erp.prices(skus), lambda: erp.search("a", None, 0, 5)]
    for read in reads:
        with pytest.raises(UpstreamUnavailable) as caught:
            await read()
        assert caught.value.system == "erp"


async def test_a_hanging_erp_times_out(connect: Connect, sim: ErpSimulator, world: World) -> None:
    erp = connect(timeout_s=0.2)
    sim.control.set_faults("erp", Faults(hang=True))

    with pytest.raises(UpstreamTimeout):
        await erp.products([world.products[0].sku])


# ---------------------------------------------------------------- the reader and error bodies

async def test_reader_follows_next_links_to_the_end(reader: ODataReader, sim: ErpSimulator,
                                                    world: World) -> None:
    sim.control.reset_stats()

    rows, _ = await reader.page(PRODUCT_SET, {"$select": "Product"}, V4)  # no $top: server pages of 100

    assert sorted(row["Product"] for row in rows) == sorted(p.sku for p in world.products)
    assert calls(sim) == math.ceil(len(world.products) / 100)


@pytest.mark.parametrize("dialect, path", [(V4, PRODUCT_SET), (V2, PRICE_SET)])
async def test_reader_pages_by_skip_until_a_short_page(reader: ODataReader, sim: ErpSimulator,
                                                       dialect: Dialect, path: str) -> None:
    everything, _ = await reader.page(path, {"$top": "100000"}, dialect)
    sim.control.reset_stats()

    rows = await reader.rows(path, {}, Dialect(250, dialect.split))

    assert rows == everything
    assert calls(sim) == len(everything) // 250 + 1


def test_error_messages_come_from_v4_v2_and_html_bodies() -> None:
    v4 = {"error": {"code": "/IWBEP/CM_V4_COS/014", "message": "Property 'X' unknown"}}
    v2 = {"error": {"code": "/IWBEP/CM_MGW_RT/022", "message": {"lang": "en", "value": "Bad filter"}}}
    html = "<html><head><title>Logon Error</title></head><body><p>Anmeldung fehlgeschlagen</p></body></html>"

    assert read_error(400, v4) == "HTTP 400 /IWBEP/CM_V4_COS/014: Property 'X' unknown"
    assert read_error(400, v2) == "HTTP 400 /IWBEP/CM_MGW_RT/022: Bad filter"
    assert read_error(401, html) == "HTTP 401: Logon Error Anmeldung fehlgeschlagen"
    assert read_error(503, "") == "HTTP 503"


# ---------------------------------------------------------------- mapping rules the demo world does not exercise

def test_the_name_falls_back_to_english_then_to_the_sku_and_empty_fields_are_none() -> None:
    view = ProductView("FR", "YY1_Brand_PRD", frozenset(DELISTED))
    english = {"Product": "A-1", "ProductStandardID": "", "YY1_Brand_PRD": "", "CrossPlantStatus": "DL",
               "_ProductDescription": [{"Language": "EN", "ProductDescription": "Drill"}]}

    assert product(english, view) == Product(sku="A-1", name="Drill", delisted=True)
    assert product({"Product": "A-2", "_ProductDescription": []}, view) == Product(sku="A-2", name="A-2")


def test_a_price_per_pricing_unit_is_divided_exactly() -> None:
    per_ten = {"ConditionRateValue": "170.000", "ConditionRateValueUnit": "EUR", "ConditionQuantity": "10"}
    per_eight = {**per_ten, "ConditionRateValue": "1.000", "ConditionQuantity": "8"}

    assert str(unit_price(per_ten).amount) == "17.00"
    assert str(unit_price(per_eight).amount) == "0.125"


def test_a_promotion_without_a_list_price_is_the_price_and_a_deleted_one_is_skipped() -> None:
    def validity(kind: str, rate: str, deleted: bool) -> dict[str, Any]:
        return {"ConditionType": kind, "Material": "A-1", "to_SlsPrcgConditionRecord": {
            "ConditionRateValue": rate, "ConditionRateValueUnit": "EUR", "ConditionIsDeleted": deleted}}

    assert shown_price([validity("ZPRM", "9.990", False)]) == ShownPrice(System.ERP, Money(Decimal("9.99")))
    assert shown_price([validity("ZPRM", "9.990", True)]) is None
