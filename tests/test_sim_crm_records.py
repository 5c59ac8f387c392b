"""The CRM simulator's record reads: one record (#3) and the sObject Collections retrieve (#4 GET, #5 POST)."""

from collections.abc import AsyncIterator

import pytest

from simulators.crm.schema import CONTACT
from simulators.world import World
from tests.test_sim_crm_support import API, CrmClient, running

NOT_FOUND = [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]
TOO_MANY_IDS = [{"message": "record limit reached. cannot submit more than 2000 records into this call",
                 "errorCode": "EXCEEDED_ID_LIMIT"}]
UNKNOWN = "003OG0009000001AAA"


@pytest.fixture
async def crm(world: World) -> AsyncIterator[CrmClient]:
    async with running(world) as client:
        yield client


async def test_one_contact_with_the_fields_asked_for(world: World, crm: CrmClient) -> None:
    c = next(c for c in world.customers if c.favourite_store)

    status, record = await crm.call("GET", f"/sobjects/Contact/{c.crm_id}",
                                    params={"fields": "Id,Favorite_Store__c"})

    assert status == 200
    assert record == {"attributes": {"type": "Contact", "url": f"{API}/sobjects/Contact/{c.crm_id}"},
                      "Id": c.crm_id, "Favorite_Store__c": c.favourite_store}


async def test_one_contact_without_fields_has_them_all(world: World, crm: CrmClient) -> None:
    c = world.customers[7]

    status, record = await crm.call("GET", f"/sobjects/Contact/{c.crm_id[:15]}")

    assert status == 200
    assert list(record) == ["attributes", *(f.name for f in CONTACT.fields)]
    assert (record["Id"], record["LastName"], record["Birthdate"]) == (c.crm_id, c.last_name, str(c.birthdate))


async def test_one_task_by_id(world: World, crm: CrmClient) -> None:
    c, note = next((c, n) for c in world.customers for n in world.history.notes(c))

    status, task = await crm.call("GET", f"/sobjects/Task/{note.id}", params={"fields": "WhoId,Description"})

    assert status == 200
    assert (task["WhoId"], task["Description"]) == (c.crm_id, note.text)


@pytest.mark.parametrize("path", [f"/sobjects/Contact/{UNKNOWN}", "/sobjects/Contact/nope",
                                  "/sobjects/Customer/003OG0000000001AAA", "/sobjects/Task/003OG0000000001AAA"])
async def test_an_unknown_record_is_404_not_found(crm: CrmClient, path: str) -> None:
    assert await crm.call("GET", path) == (404, NOT_FOUND)


async def test_an_unknown_field_is_invalid(world: World, crm: CrmClient) -> None:
    status, body = await crm.call("GET", f"/sobjects/Contact/{world.customers[0].crm_id}",
                                  params={"fields": "Id,Shoe_Size__c"})

    assert status == 400
    assert body[0]["errorCode"] == "INVALID_FIELD" and "'Shoe_Size__c'" in body[0]["message"]


async def test_retrieve_by_get_keeps_id_order_with_null_for_unknown(world: World, crm: CrmClient) -> None:
    a, b = world.customers[9], world.customers[4]

    status, records = await crm.call("GET", "/composite/sobjects/Contact",
                                     params={"ids": f"{a.crm_id},{UNKNOWN},{b.crm_id},bad", "fields": "Id,LastName"})

    assert status == 200
    assert records == [
        {"attributes": {"type": "Contact", "url": f"{API}/sobjects/Contact/{a.crm_id}"}, "Id": a.crm_id,
         "LastName": a.last_name},
        None,
        {"attributes": {"type": "Contact", "url": f"{API}/sobjects/Contact/{b.crm_id}"}, "Id": b.crm_id,
         "LastName": b.last_name},
        None]


async def test_retrieve_by_get_takes_800_ids_before_the_uri_is_too_long(world: World, crm: CrmClient) -> None:
    ids = [c.crm_id for c in world.customers]

    status, records = await crm.call("GET", "/composite/sobjects/Contact",
                                     params={"ids": ",".join(ids[:800]), "fields": "Id"})
    too_long, body = await crm.call("GET", "/composite/sobjects/Contact",
                                    params={"ids": ",".join(ids[:900]), "fields": "Id"})

    assert status == 200 and [r["Id"] for r in records] == ids[:800]
    assert too_long == 414 and isinstance(body, str)


@pytest.mark.parametrize("params", [{"ids": "003OG0000000001AAA"}, {"fields": "Id"}])
async def test_retrieve_by_get_needs_ids_and_fields(crm: CrmClient, params: dict[str, str]) -> None:
    status, body = await crm.call("GET", "/composite/sobjects/Contact", params=params)

    assert status == 400 and body[0]["errorCode"] == "MISSING_ARGUMENT"


async def test_retrieve_by_post_takes_2000_ids(world: World, crm: CrmClient) -> None:
    known = [c.crm_id for c in world.customers]
    ids = known + [f"003OG{9_000_000_000 + n:010d}AAA" for n in range(2000 - len(known))]

    status, records = await crm.call("POST", "/composite/sobjects/Contact",
                                     body={"ids": ids, "fields": ["Id", "Email"]})

    assert status == 200 and len(records) == 2000
    assert [(r["Id"], r["Email"]) for r in records[:len(known)]] == [(c.crm_id, c.email) for c in world.customers]
    assert records[len(known):] == [None] * (2000 - len(known))


async def test_retrieve_by_post_refuses_2001_ids(world: World, crm: CrmClient) -> None:
    ids = [world.customers[0].crm_id] * 2001

    assert await crm.call("POST", "/composite/sobjects/Contact", body={"ids": ids, "fields": ["Id"]}) == \
        (400, TOO_MANY_IDS)


async def test_retrieve_of_loyalty_members(world: World, crm: CrmClient) -> None:
    c = next(c for c in world.customers if c.card)
    [member] = await crm.records(f"SELECT Id FROM LoyaltyProgramMember WHERE MembershipNumber = '{c.card}'")

    status, records = await crm.call("POST", "/composite/sobjects/LoyaltyProgramMember",
                                     body={"ids": [member["Id"]], "fields": ["ContactId", "MembershipNumber"]})

    assert status == 200
    assert [(r["ContactId"], r["MembershipNumber"]) for r in records] == [(c.crm_id, c.card)]
