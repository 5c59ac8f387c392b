"""ERP simulator, OData v4: Product, ProductDescription and the ProductRelationship extension."""

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from simulators.world import CATEGORIES, DemoProduct, World

from .test_sim_erp_support import PRODREL_ROOT, PRODUCT_ROOT, Erp, keys_filter, running_erp

PRODUCTS = f"{PRODUCT_ROOT}/Product"
DESCRIPTIONS = f"{PRODUCT_ROOT}/ProductDescription"
RELATIONSHIPS = f"{PRODREL_ROOT}/ProductRelationship"
BY_KEYS_SELECT = ("Product,ProductType,ProductGroup,BaseUnit,ProductStandardID,IsMarkedForDeletion,"
                  "CrossPlantStatus,GrossWeight,NetWeight,WeightUnit,LastChangeDateTime,YY1_Brand_PRD")
TEXT_SEARCH = "Language eq 'FR' and contains(ProductDescription,'{text}')"
ATTRIBUTE_SEARCH = "ProductGroup eq '{group}' and IsMarkedForDeletion eq false"
NAME_ANY = "_ProductDescription/any(d:contains(d/ProductDescription,'{text}'))"
GROUP = {c.code: c.erp_group for c in CATEGORIES}


@pytest.fixture
async def erp(world: World) -> AsyncIterator[Erp]:
    async with running_erp(world) as running:
        yield running


def listed(world: World, count: int) -> list[DemoProduct]:
    return [p for p in world.products if not p.delisted][:count]


async def test_products_by_key_carry_the_material_master(erp: Erp, world: World) -> None:
    # given fifty articles
    wanted = listed(world, 50)
    # when they are asked for by key with their descriptions
    status, body = await erp.get(PRODUCTS, {"$filter": keys_filter("Product", [p.sku for p in wanted]),
                                            "$select": BY_KEYS_SELECT, "$expand": "_ProductDescription"})
    # then each comes back once with the world's GTIN, brand, group, weight and name
    assert status == 200
    assert body["@odata.context"] == "$metadata#Product"
    assert "@odata.nextLink" not in body
    by_sku = {row["Product"]: row for row in body["value"]}
    assert sorted(by_sku) == sorted(p.sku for p in wanted)
    for product in wanted:
        row = by_sku[product.sku]
        assert row["ProductStandardID"] == product.gtin
        assert row["YY1_Brand_PRD"] == product.brand
        assert row["ProductGroup"] == GROUP[product.category]
        assert Decimal(str(row["GrossWeight"])) == Decimal(product.weight_grams) / 1000
        assert row["WeightUnit"] == "KG" and row["BaseUnit"] == "PC"
        assert row["IsMarkedForDeletion"] is False and row["CrossPlantStatus"] == ""
        assert {d["Language"]: d["ProductDescription"] for d in row["_ProductDescription"]} == {
            "FR": product.name, "EN": product.name}
        assert set(row) == {"@odata.etag", "_ProductDescription", *BY_KEYS_SELECT.split(",")}


async def test_one_product_by_key_is_a_plain_entity_with_an_etag(erp: Erp, world: World) -> None:
    # given one article
    product = world.products[0]
    # when it is read by key
    status, body = await erp.get(f"{PRODUCTS}('{product.sku}')")
    # then it is the entity itself, versioned
    assert status == 200
    assert body["@odata.context"] == "$metadata#Product/$entity"
    assert body["Product"] == product.sku and body["ProductStandardID"] == product.gtin
    assert body["@odata.etag"].startswith('W/"')
    assert "_ProductDescription" not in body


async def test_an_unknown_key_is_a_v4_not_found(erp: Erp) -> None:
    # when an article that does not exist is read by key
    status, body = await erp.get(f"{PRODUCTS}('NOPE-1')")
    # then the answer is a v4 OData error
    assert status == 404
    assert body["error"]["@SAP__common.ExceptionCategory"] == "Client_Error"
    assert "NOPE-1" in body["error"]["message"]


async def test_delisted_articles_stay_flagged_both_ways(erp: Erp, world: World) -> None:
    # given the delisted articles of the world
    delisted = [p for p in world.products if p.delisted]
    # when they are read
    _, body = await erp.get(PRODUCTS, {"$filter": keys_filter("Product", [p.sku for p in delisted])})
    # then each is marked for deletion or carries status DL, and both markings occur
    flags = {(row["IsMarkedForDeletion"], row["CrossPlantStatus"]) for row in body["value"]}
    assert len(body["value"]) == len(delisted)
    assert flags == {(True, ""), (False, "DL")}


async def test_text_search_counts_sorts_and_pages(erp: Erp, world: World) -> None:
    # given the French names holding "casque", whatever the case
    expected = sorted((p.name, p.sku) for p in world.products if "casque" in p.name.lower())
    params = {"$filter": TEXT_SEARCH.format(text="CASQUE"), "$select": "Product,ProductDescription",
              "$orderby": "ProductDescription,Product", "$count": "true", "$top": "20"}
    # when the second page of twenty is asked for
    status, body = await erp.get(DESCRIPTIONS, {**params, "$skip": "20"})
    # then the count is the whole match and the page is the next twenty by name
    assert status == 200
    assert body["@odata.count"] == len(expected)
    assert [(r["ProductDescription"], r["Product"]) for r in body["value"]] == expected[20:40]
    assert set(body["value"][0]) == {"Product", "ProductDescription"}


async def test_a_quote_in_a_literal_is_doubled(erp: Erp, world: World) -> None:
    # given names with a quote (L'Or)
    expected = sorted(p.sku for p in world.products if "l'or" in p.name.lower())
    # when products are searched through their descriptions with a doubled quote
    status, body = await erp.get(PRODUCTS, {"$filter": NAME_ANY.format(text="L''Or"), "$select": "Product",
                                            "$top": "500"})
    # then exactly those products come back
    assert status == 200 and expected
    assert [r["Product"] for r in body["value"]] == expected


async def test_attribute_search_with_count_and_skip(erp: Erp, world: World) -> None:
    # given the listed products of one group, in key order
    group = GROUP["RUN"]
    expected = sorted(p.sku for p in world.products if GROUP[p.category] == group and not p.delisted)
    params = {"$filter": ATTRIBUTE_SEARCH.format(group=group), "$count": "true", "$orderby": "Product desc",
              "$top": "5", "$skip": "3", "$select": "Product"}
    # when a window of them is asked for in descending order
    _, body = await erp.get(PRODUCTS, params)
    # then the count covers them all and the window is in the requested order
    assert body["@odata.count"] == len(expected)
    assert [r["Product"] for r in body["value"]] == expected[::-1][3:8]


async def test_count_segment_is_a_bare_number(erp: Erp, world: World) -> None:
    # when the delisted products are counted
    status, text = await erp.get(f"{PRODUCTS}/$count",
                                 {"$filter": "IsMarkedForDeletion eq true or CrossPlantStatus eq 'DL'"})
    # then the body is just the number
    assert status == 200
    assert text == str(sum(p.delisted for p in world.products))


async def test_default_page_is_a_hundred_and_the_links_walk_to_the_end(erp: Erp, world: World) -> None:
    # when every product is read without $top, following the next links
    status, body = await erp.get(PRODUCTS, {"$select": "Product", "$filter": "ProductType eq 'HAWA'"})
    seen: list[str] = []
    pages = 0
    while True:
        assert status == 200
        pages += 1
        seen += [r["Product"] for r in body["value"]]
        link = body.get("@odata.nextLink")
        if link is None:
            break
        assert len(body["value"]) == 100
        assert link.startswith(f"/erp{PRODUCTS}?") and "$skiptoken=" in link and "$filter=" in link
        status, body = await erp.follow(link)
    # then every product came exactly once, in key order
    assert seen == sorted(p.sku for p in world.products)
    assert pages == -(-len(world.products) // 100)


async def test_search_is_refused(erp: Erp) -> None:
    # when $search is sent to Product (annotated not searchable)
    status, body = await erp.get(PRODUCTS, {"$search": "perceuse"})
    # then it is a 400 in the v4 shape
    assert status == 400
    assert body["error"]["code"] and "$search" in body["error"]["message"]


async def test_expand_takes_nested_options(erp: Erp, world: World) -> None:
    # given one product
    product = world.products[3]
    # when only its French description is expanded
    _, body = await erp.get(f"{PRODUCTS}('{product.sku}')", {
        "$select": "Product", "$expand": "_ProductDescription($select=ProductDescription;$filter=Language eq 'FR')"})
    # then the nested filter and select applied
    assert body["_ProductDescription"] == [{"ProductDescription": product.name}]


async def test_relationships_of_several_products_in_sort_order(erp: Erp, world: World) -> None:
    # given products with accessories
    owners = [p for p in world.products if p.relations][:10]
    # when their relationships are read, ordered as the sheet says
    status, body = await erp.get(RELATIONSHIPS, {"$filter": keys_filter("Product", [p.sku for p in owners]),
                                                 "$orderby": "Product,SortOrder"})
    # then they are the world's relations, by product then in the world's order
    assert status == 200
    got = [(r["Product"], r["RelatedProduct"], r["RelationshipType"], r["SortOrder"]) for r in body["value"]]
    expected = [(p.sku, r.sku, r.kind, n) for p in owners for n, r in enumerate(p.relations, start=1)]
    assert got == sorted(expected, key=lambda t: t[0])
    assert body["value"][0]["ValidityEndDate"] == "9999-12-31"


async def test_relationships_of_a_product_without_any_are_empty(erp: Erp, world: World) -> None:
    # given a product without relations
    lonely = next(p for p in world.products if not p.relations)
    # when its relationships are read
    status, body = await erp.get(RELATIONSHIPS, {"$filter": f"Product eq '{lonely.sku}'"})
    # then the list is empty
    assert status == 200 and body["value"] == []
