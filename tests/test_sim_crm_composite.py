"""The CRM simulator's composite resource (#10): subrequests, their limits, references and allOrNone."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from simulators.world import World
from tests.test_sim_crm_support import API, CrmClient, quoted, running

TIERS = "SELECT LoyaltyMemberId, Name FROM LoyaltyMemberTier WHERE LoyaltyMemberId IN ({})"
POINTS = "SELECT LoyaltyMemberId, PointsBalance FROM LoyaltyMemberCurrency WHERE LoyaltyMemberId IN ({}) " \
         "AND Name = 'Points'"
TOO_MANY = [{"errorCode": "LIMIT_EXCEEDED", "message": "The request can’t contain more than 25 operations."}]
HALTED = [{"errorCode": "PROCESSING_HALTED",
           "message": "The transaction was rolled back since another operation in the same transaction failed."}]


@pytest.fixture
async def crm(world: World) -> AsyncIterator[CrmClient]:
    async with running(world) as client:
        yield client


def query(reference: str, soql: str) -> dict[str, Any]:
    return {"method": "GET", "referenceId": reference, "url": f"{API}/query?q={soql.replace(' ', '+')}"}


def patch(reference: str, record_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"method": "PATCH", "referenceId": reference, "url": f"{API}/sobjects/Contact/{record_id}", "body": body}


async def composite(crm: CrmClient, subrequests: list[dict[str, Any]], all_or_none: bool = False) -> tuple[int, Any]:
    return await crm.call("POST", "/composite", body={"allOrNone": all_or_none, "compositeRequest": subrequests})


async def test_two_loyalty_queries_in_one_call(world: World, crm: CrmClient) -> None:
    holders = [c for c in world.customers if c.card][:150]
    members = await crm.records("SELECT Id, ContactId FROM LoyaltyProgramMember WHERE ContactId IN "
                                f"({quoted([c.crm_id for c in holders])})")
    ids = quoted([m["Id"] for m in members])

    status, body = await composite(crm, [query("tiers", TIERS.format(ids)), query("points", POINTS.format(ids))])

    assert status == 200
    tiers, points = body["compositeResponse"]
    assert (tiers["referenceId"], tiers["httpStatusCode"], tiers["httpHeaders"]) == ("tiers", 200, {})
    assert tiers["body"]["totalSize"] == len(holders) and tiers["body"]["done"] is True
    contact_of = {m["Id"]: m["ContactId"] for m in members}
    by_id = {c.crm_id: c for c in holders}
    assert all(t["Name"] == by_id[contact_of[t["LoyaltyMemberId"]]].tier for t in tiers["body"]["records"])
    assert all(p["PointsBalance"] == by_id[contact_of[p["LoyaltyMemberId"]]].points for p in points["body"]["records"])


async def test_more_than_25_subrequests_are_refused(world: World, crm: CrmClient) -> None:
    subrequests = [patch(f"p{n}", c.crm_id, {"DoNotCall": True}) for n, c in enumerate(world.customers[:26])]

    status, body = await composite(crm, subrequests)

    assert status == 400
    assert body == {"compositeResponse": [{"body": TOO_MANY, "httpHeaders": {}, "httpStatusCode": 400,
                                           "referenceId": None}]}


async def test_more_than_5_queries_or_collections_are_refused(crm: CrmClient) -> None:
    subrequests = [query(f"q{n}", "SELECT Id FROM Contact LIMIT 1") for n in range(5)]
    subrequests.append({"method": "POST", "referenceId": "ids", "url": f"{API}/composite/sobjects/Contact",
                        "body": {"ids": ["003OG0000000001AAA"], "fields": ["Id"]}})

    five, _ = await composite(crm, subrequests[:5])
    status, body = await composite(crm, subrequests)

    assert five == 200
    assert status == 400 and body["compositeResponse"][0]["body"][0]["errorCode"] == "LIMIT_EXCEEDED"


async def test_all_or_none_rolls_back_and_halts_the_others(world: World, crm: CrmClient) -> None:
    a, b = world.customers[50:52]

    status, body = await composite(crm, [patch("first", a.crm_id, {"Favorite_Store__c": "BRD01"}),
                                         patch("bad", b.crm_id, {"Preferred_Channel__c": "Fax"}),
                                         query("after", "SELECT Id FROM Contact LIMIT 1")], all_or_none=True)

    assert status == 200
    first, bad, after = body["compositeResponse"]
    assert (first["httpStatusCode"], first["body"]) == (400, HALTED)
    assert bad["httpStatusCode"] == 400 and bad["body"][0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert (after["httpStatusCode"], after["body"]) == (400, HALTED)
    [record] = await crm.records(f"SELECT Favorite_Store__c FROM Contact WHERE Id = '{a.crm_id}'")
    assert record["Favorite_Store__c"] == a.favourite_store


async def test_without_all_or_none_each_subrequest_stands_alone(world: World, crm: CrmClient) -> None:
    a, b = world.customers[60:62]

    status, body = await composite(crm, [patch("first", a.crm_id, {"Favorite_Store__c": "BRD01"}),
                                         patch("bad", b.crm_id, {"Preferred_Channel__c": "Fax"}),
                                         {"method": "GET", "referenceId": "gone",
                                          "url": f"{API}/sobjects/Contact/003OG0009000001AAA"}])

    assert status == 200
    assert [r["httpStatusCode"] for r in body["compositeResponse"]] == [204, 400, 404]
    assert body["compositeResponse"][0]["body"] is None
    [record] = await crm.records(f"SELECT Favorite_Store__c FROM Contact WHERE Id = '{a.crm_id}'")
    assert record["Favorite_Store__c"] == "BRD01"


async def test_a_later_subrequest_uses_an_earlier_result(world: World, crm: CrmClient) -> None:
    c = next(c for c in world.customers if c.card)

    status, body = await composite(crm, [
        query("member", f"SELECT Id FROM LoyaltyProgramMember WHERE MembershipNumber = '{c.card}'"),
        query("tier", "SELECT Name FROM LoyaltyMemberTier WHERE LoyaltyMemberId = '@{member.records[0].Id}'"),
        {"method": "PATCH", "referenceId": "note", "url": f"{API}/sobjects/Task/Omnigate_Key__c/k1",
         "body": {"WhoId": "@{contact.records[0].Id}", "Description": "x"}},
    ])

    assert status == 200
    member, tier, note = body["compositeResponse"]
    assert member["body"]["totalSize"] == 1
    assert tier["body"]["records"][0]["Name"] == c.tier
    assert note["httpStatusCode"] == 400 and note["body"][0]["errorCode"] == "PROCESSING_HALTED"


async def test_a_created_record_reports_its_location(world: World, crm: CrmClient) -> None:
    status, body = await composite(crm, [{
        "method": "PATCH", "referenceId": "note", "url": f"{API}/sobjects/Task/Omnigate_Key__c/k2",
        "body": {"WhoId": world.customers[3].crm_id, "Description": "Called back about the repair."}}])

    [note] = body["compositeResponse"]
    assert (status, note["httpStatusCode"], note["body"]["created"]) == (200, 201, True)
    assert note["httpHeaders"] == {"Location": f"{API}/sobjects/Task/{note['body']['id']}"}


@pytest.mark.parametrize("payload", [{}, {"compositeRequest": []}, {"compositeRequest": [{"method": "GET"}]},
                                     {"compositeRequest": [query("same", "SELECT Id FROM Contact LIMIT 1")] * 2}])
async def test_a_malformed_composite_is_400(crm: CrmClient, payload: dict[str, Any]) -> None:
    status, body = await crm.call("POST", "/composite", body=payload)

    assert status == 400 and body[0]["errorCode"] == "JSON_PARSER_ERROR"
