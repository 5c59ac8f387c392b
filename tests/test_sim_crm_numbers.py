"""CRM simulator: odd numbers in SOQL, locators, headers, references and bodies get Salesforce errors, not crashes."""

from collections.abc import AsyncIterator

import pytest

from simulators.crm.soql import SoqlError, parse
from simulators.world import World
from tests.test_sim_crm_support import API, CrmClient, running

HUGE = "9" * 5000  # past Python's 4,300-digit limit on int()
ALL_CONTACTS = "SELECT Id FROM Contact ORDER BY Id"
INVALID_LOCATOR = [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]


@pytest.fixture
async def crm(world: World) -> AsyncIterator[CrmClient]:
    async with running(world) as client:
        yield client


@pytest.mark.parametrize("text", [f"SELECT Id FROM Contact LIMIT {HUGE}", "SELECT Id FROM Contact LIMIT " + "9" * 309,
                                  f"SELECT Id FROM LoyaltyMemberCurrency WHERE PointsBalance = {HUGE}.5"])
def test_a_number_no_double_holds_is_malformed(text: str) -> None:
    with pytest.raises(SoqlError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.detail) == ("MALFORMED_QUERY", "number out of range: " + "9" * 20 + "...")


def test_the_longest_number_a_double_holds_parses() -> None:
    assert parse("SELECT Id FROM Contact LIMIT " + "9" * 308).limit == int("9" * 308)


def test_digits_other_than_ascii_are_an_unexpected_token() -> None:
    with pytest.raises(SoqlError) as caught:
        parse("SELECT Id FROM Contact LIMIT ١٢")
    assert (caught.value.code, caught.value.detail) == ("MALFORMED_QUERY", "unexpected token: ١")


async def test_a_huge_number_against_a_double_field_is_a_400(crm: CrmClient) -> None:
    status, body = await crm.query("SELECT Id FROM LoyaltyMemberCurrency WHERE PointsBalance = " + "9" * 400)
    assert status == 400 and body[0]["errorCode"] == "MALFORMED_QUERY"


@pytest.mark.parametrize("position", ["²", "١", HUGE, "-1"])
async def test_a_locator_position_that_is_no_number_is_invalid(crm: CrmClient, position: str) -> None:
    _, first = await crm.query(ALL_CONTACTS, batch=200)
    locator = first["nextRecordsUrl"].rpartition("-")[0]
    status, body = await crm.call("GET", f"{locator}-{position}")
    assert (status, body) == (400, INVALID_LOCATOR)


async def test_a_batch_size_past_nine_digits_is_the_default(crm: CrmClient, world: World) -> None:
    status, page = await crm.call("GET", "/query", params={"q": ALL_CONTACTS},
                                  headers={"Sforce-Query-Options": f"batchSize={'9' * 4000}"})
    assert status == 200 and len(page["records"]) == min(2000, len(world.customers))


async def test_a_reference_index_past_any_list_resolves_nothing(crm: CrmClient) -> None:
    first = {"method": "GET", "referenceId": "a", "url": f"{API}/query?q=SELECT+Id+FROM+Contact+LIMIT+1"}
    second = {"method": "GET", "referenceId": "b", "url": f"{API}/sobjects/Contact/@{{a.records[{HUGE}].Id}}"}
    status, body = await crm.call("POST", "/composite", body={"compositeRequest": [first, second]})
    assert status == 200
    answer = body["compositeResponse"][1]
    assert answer["httpStatusCode"] == 400 and answer["body"][0]["message"].startswith("Invalid reference specified.")


async def test_a_double_no_float_holds_is_a_json_error(crm: CrmClient) -> None:
    members = await crm.records("SELECT Id FROM LoyaltyMemberCurrency WHERE Name = 'Points' LIMIT 1")
    status, body = await crm.call("PATCH", f"/sobjects/LoyaltyMemberCurrency/{members[0]['Id']}",
                                  body={"PointsBalance": int("9" * 400)})
    assert status == 400 and body[0]["errorCode"] == "JSON_PARSER_ERROR"
