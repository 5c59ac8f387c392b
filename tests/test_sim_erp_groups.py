"""ERP simulator, OData v2: product groups and their texts (API_PRODUCTGROUP_SRV), one group per world category."""

from collections.abc import AsyncIterator

import pytest

from simulators.world import CATEGORIES, World

from .test_sim_erp_support import GROUP_ROOT, JSON, Erp, keys_filter, running_erp

TEXTS = f"{GROUP_ROOT}/A_ProductGroupText"
GROUPS = f"{GROUP_ROOT}/A_ProductGroup"


@pytest.fixture
async def erp(world: World) -> AsyncIterator[Erp]:
    async with running_erp(world) as running:
        yield running


async def test_every_category_has_a_french_and_an_english_text(erp: Erp) -> None:
    # when the texts of every group are read
    status, body = await erp.get(TEXTS, {"$inlinecount": "allpages", **JSON})
    # then each world category has its French name as the text, cut to 20 characters in the name, and English
    texts = {(r["MaterialGroup"], r["Language"]): r for r in body["d"]["results"]}
    assert status == 200 and body["d"]["__count"] == str(2 * len(CATEGORIES))
    for category in CATEGORIES:
        french, english = texts[(category.erp_group, "FR")], texts[(category.erp_group, "EN")]
        assert french["MaterialGroupText"] == category.name
        assert french["MaterialGroupName"] == category.name[:20]
        assert english["MaterialGroupText"] and len(english["MaterialGroupName"]) <= 20
    assert texts[("L005", "EN")]["__metadata"]["type"] == "API_PRODUCTGROUP_SRV.A_ProductGroupTextType"


async def test_texts_of_some_groups_in_one_language(erp: Erp) -> None:
    # when two groups' French texts are asked for, as the adapter does
    params = {"$filter": f"({keys_filter('MaterialGroup', ['L001', 'L015'])}) and Language eq 'FR'",
              "$select": "MaterialGroup,MaterialGroupText", **JSON}
    status, body = await erp.get(TEXTS, params)
    # then those two come, with only what was selected
    assert status == 200
    assert [{k: v for k, v in r.items() if k != "__metadata"} for r in body["d"]["results"]] == [
        {"MaterialGroup": "L001", "MaterialGroupText": "Appareils photo"},
        {"MaterialGroup": "L015", "MaterialGroupText": "Outillage électroportatif"}]


async def test_a_group_by_key_with_its_texts_and_a_text_by_its_uri(erp: Erp) -> None:
    # when a group is read by key with its texts expanded, then one text through its uri
    status, body = await erp.get(f"{GROUPS}('L001')", {"$expand": "to_Text", **JSON})
    text = body["d"]["to_Text"]["results"][0]
    found = await erp.follow(text["__metadata"]["uri"] + "?$format=json")
    # then the texts are the group's, and a text is keyed by group and language
    assert status == 200 and {t["Language"] for t in body["d"]["to_Text"]["results"]} == {"EN", "FR"}
    key = f"MaterialGroup='L001',Language='{text['Language']}'"
    assert text["__metadata"]["uri"].endswith(f"/A_ProductGroupText({key})")
    assert found[0] == 200 and found[1]["d"]["MaterialGroupText"] == text["MaterialGroupText"]
