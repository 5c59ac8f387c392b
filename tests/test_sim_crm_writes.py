"""The CRM simulator's writes: PATCH (#6), collections update (#7), upserts (#8, #9); each then read back."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from simulators.world import DemoCustomer, World
from tests.test_sim_crm_support import API, CrmClient, running

PREFERENCES = {"Favorite_Store__c": "NTE02", "Preferred_Channel__c": "SMS", "Interests__c": "running;coffee"}
BAD_CHANNEL = {"Preferred_Channel__c": "Fax"}
TOO_MANY_RECORDS = [{"message": "record limit reached. cannot submit more than 200 records into this call",
                     "errorCode": "EXCEEDED_ID_LIMIT"}]
ROLLED_BACK = {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "fields": [],
               "message": "Record rolled back because not all records were valid and the request was using "
                          "AllOrNone header"}
NOTE = {"WhoId": None, "Subject": "Note", "Description": "Asked for a half size up in trail shoes.",
        "Status": "Completed", "Channel__c": "Kiosk", "Store_Code__c": "LYS01", "Topics__c": "sizing;preference"}
NOTE_FIELDS = "Id, WhoId, Description, Topics__c, Store_Code__c, Channel__c, CreatedDate, Omnigate_Key__c"


@pytest.fixture
async def crm(world: World) -> AsyncIterator[CrmClient]:
    async with running(world) as client:
        yield client


def contact(c: DemoCustomer, **fields: object) -> dict[str, object]:
    return {"attributes": {"type": "Contact"}, "id": c.crm_id, **fields}


async def read(crm: CrmClient, record_id: str, fields: str = "Id,LastName,Preferred_Channel__c") -> dict[str, Any]:
    status, record = await crm.call("GET", f"/sobjects/{'Task' if record_id.startswith('00T') else 'Contact'}/"
                                           f"{record_id}", params={"fields": fields})
    assert status == 200, record
    return dict(record)


def parse_datetime(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


async def test_patch_then_read_sees_the_change_and_a_new_last_modified_date(world: World, crm: CrmClient) -> None:
    c = world.customers[11]
    before = datetime.now(UTC) - timedelta(seconds=1)

    status, body = await crm.call("PATCH", f"/sobjects/Contact/{c.crm_id}", body=PREFERENCES)

    record = await read(crm, c.crm_id, ",".join([*PREFERENCES, "LastModifiedDate"]))
    assert (status, body) == (204, "")
    assert {k: record[k] for k in PREFERENCES} == PREFERENCES
    assert before <= parse_datetime(record["LastModifiedDate"]) <= datetime.now(UTC)


@pytest.mark.parametrize(("body", "status", "code"), [
    (BAD_CHANNEL, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
    ({"Shoe_Size__c": "44"}, 400, "INVALID_FIELD"),
    ({"LastModifiedDate": "2024-03-01T09:30:00.000+0000"}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE"),
    ({"Email_Consent__c": "yes"}, 400, "JSON_PARSER_ERROR"),
    ({"Email": "not-an-address"}, 400, "INVALID_EMAIL_ADDRESS"),
    ({"Favorite_Store__c": "X" * 21}, 400, "STRING_TOO_LONG"),
    ({"LastName": None}, 400, "REQUIRED_FIELD_MISSING"),
])
async def test_a_refused_patch_changes_nothing(world: World, crm: CrmClient, body: dict[str, object], status: int,
                                               code: str) -> None:
    c = world.customers[12]
    before = await read(crm, c.crm_id, "Id,LastName,Preferred_Channel__c,LastModifiedDate")

    answer, errors = await crm.call("PATCH", f"/sobjects/Contact/{c.crm_id}", body={"FirstName": "Zoé", **body})

    assert answer == status and [e["errorCode"] for e in errors] == [code]
    assert await read(crm, c.crm_id, "Id,LastName,Preferred_Channel__c,LastModifiedDate") == before


async def test_a_field_error_names_the_field(world: World, crm: CrmClient) -> None:
    status, errors = await crm.call("PATCH", f"/sobjects/Contact/{world.customers[1].crm_id}", body=BAD_CHANNEL)

    assert (status, errors) == (400, [{"message": "Preferred_Channel__c: bad value for restricted picklist field: Fax",
                                       "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                       "fields": ["Preferred_Channel__c"]}])


async def test_patch_of_an_unknown_contact_is_404(crm: CrmClient) -> None:
    status, body = await crm.call("PATCH", "/sobjects/Contact/003OG0009000001AAA", body=PREFERENCES)

    assert (status, body[0]["errorCode"]) == (404, "NOT_FOUND")


async def test_a_body_that_is_not_json_is_refused(world: World, crm: CrmClient) -> None:
    url = f"{crm.instance}{API}/sobjects/Contact/{world.customers[0].crm_id}"
    async with crm.session.patch(url, data="{nope", headers={"Authorization": "Bearer demo-crm-token",
                                                             "Content-Type": "application/json"}) as response:
        body = await response.json()

    assert (response.status, body[0]["errorCode"]) == (400, "JSON_PARSER_ERROR")


async def test_collection_update_reports_each_record_in_order(world: World, crm: CrmClient) -> None:
    a, b, c = world.customers[20:23]
    records = [contact(a, SMS_Consent__c=True), contact(b, **BAD_CHANNEL), contact(c, Favorite_Store__c="BRD01"),
               {"attributes": {"type": "Contact"}, "id": "bad-id"}, {"attributes": {"type": "Contact"}}]

    status, results = await crm.call("PATCH", "/composite/sobjects", body={"allOrNone": False, "records": records})

    assert status == 200
    assert [(r.get("id"), r["success"]) for r in results] == [(a.crm_id, True), (b.crm_id, False), (c.crm_id, True),
                                                              (None, False), (None, False)]
    assert [[e["statusCode"] for e in r["errors"]] for r in results] == [
        [], ["INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"], [], ["MALFORMED_ID"], ["MISSING_ARGUMENT"]]
    assert (await read(crm, a.crm_id, "SMS_Consent__c"))["SMS_Consent__c"] is True
    assert (await read(crm, c.crm_id, "Favorite_Store__c"))["Favorite_Store__c"] == "BRD01"


async def test_collection_update_all_or_none_rolls_back_every_record(world: World, crm: CrmClient) -> None:
    a, b = world.customers[30:32]
    before = await read(crm, a.crm_id, "Id,Favorite_Store__c,LastModifiedDate")

    status, results = await crm.call("PATCH", "/composite/sobjects", body={"allOrNone": True, "records": [
        contact(a, Favorite_Store__c="BRD01"), contact(b, **BAD_CHANNEL)]})

    assert status == 200
    assert results[0] == {"id": a.crm_id, "success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert await read(crm, a.crm_id, "Id,Favorite_Store__c,LastModifiedDate") == before


async def test_collection_update_refuses_201_records(world: World, crm: CrmClient) -> None:
    records = [contact(c, DoNotCall=True) for c in world.customers[:201]]

    assert await crm.call("PATCH", "/composite/sobjects", body={"records": records}) == (400, TOO_MANY_RECORDS)
    assert (await read(crm, world.customers[0].crm_id, "DoNotCall"))["DoNotCall"] is (
        world.customers[0].preferred_channel == "None")


async def test_collection_update_with_an_unknown_field_writes_nothing(world: World, crm: CrmClient) -> None:
    a, b = world.customers[40:42]

    status, errors = await crm.call("PATCH", "/composite/sobjects", body={"records": [
        contact(a, LastName="Written"), contact(b, Shoe_Size__c="44")]})

    assert (status, errors[0]["errorCode"]) == (400, "INVALID_FIELD")
    assert (await read(crm, a.crm_id))["LastName"] == a.last_name


async def test_upsert_on_the_webshop_id_updates_the_one_match(world: World, crm: CrmClient) -> None:
    c = next(c for c in world.customers if c.webshop_id)

    status, body = await crm.call("PATCH", f"/sobjects/Contact/Webshop_Customer_Id__c/{c.webshop_id}",
                                  body={"LastName": "Martin"})

    assert (status, body) == (200, {"id": c.crm_id, "success": True, "errors": [], "created": False})
    assert (await read(crm, c.crm_id))["LastName"] == "Martin"


async def test_upsert_on_a_new_webshop_id_creates_a_contact_found_by_query(crm: CrmClient) -> None:
    status, body = await crm.call("PATCH", "/sobjects/Contact/Webshop_Customer_Id__c/987654",
                                  body={"LastName": "Roux", "Email": "roux@example.fr"})

    assert status == 201 and body["created"] is True and body["success"] is True
    assert body["id"].startswith("003") and len(body["id"]) == 18
    [found] = await crm.records("SELECT Id, LastName, Email_Consent__c FROM Contact "
                                "WHERE Webshop_Customer_Id__c IN ('987654')")
    assert (found["Id"], found["LastName"], found["Email_Consent__c"]) == (body["id"], "Roux", False)
    assert [r["Id"] for r in await crm.records("SELECT Id FROM Contact WHERE Email = 'ROUX@example.fr'")] == \
        [body["id"]]


async def test_upsert_that_would_create_without_a_last_name_is_refused(crm: CrmClient) -> None:
    status, errors = await crm.call("PATCH", "/sobjects/Contact/Webshop_Customer_Id__c/987655",
                                    body={"FirstName": "Anne"})

    assert status == 400 and errors[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert await crm.records("SELECT Id FROM Contact WHERE Webshop_Customer_Id__c = '987655'") == []


async def test_upsert_with_several_matches_is_300_with_their_urls(world: World, crm: CrmClient) -> None:
    # given a duplicate the API would refuse, planted in the store as legacy data
    a, b = [c for c in world.customers if c.webshop_id][:2]
    crm.sim.org.store.tables["contact"].write(b.crm_id, {"Webshop_Customer_Id__c": str(a.webshop_id)})

    status, body = await crm.call("PATCH", f"/sobjects/Contact/Webshop_Customer_Id__c/{a.webshop_id}",
                                  body={"LastName": "Martin"})

    assert (status, body) == (300, sorted([f"{API}/sobjects/Contact/{a.crm_id}", f"{API}/sobjects/Contact/{b.crm_id}"]))


async def test_upsert_on_a_field_that_is_no_external_id_is_404(world: World, crm: CrmClient) -> None:
    status, body = await crm.call("PATCH", f"/sobjects/Contact/Email/{world.customers[0].email}",
                                  body={"LastName": "Martin"})

    assert status == 404 and body[0]["message"] == \
        "Provided external ID field does not exist or is not accessible: Email"


async def test_a_unique_external_id_cannot_be_copied(world: World, crm: CrmClient) -> None:
    a, b = [c for c in world.customers if c.card][:2]

    status, errors = await crm.call("PATCH", f"/sobjects/Contact/{b.crm_id}",
                                    body={"Loyalty_Card_Number__c": str(a.card).lower()})

    assert status == 400 and errors[0]["errorCode"] == "DUPLICATE_VALUE" and a.crm_id in errors[0]["message"]


async def test_a_note_upsert_is_idempotent_and_read_with_the_notes(world: World, crm: CrmClient) -> None:
    c = world.customers[5]
    note = {**NOTE, "WhoId": c.crm_id}

    created, first = await crm.call("PATCH", "/sobjects/Task/Omnigate_Key__c/key-0001", body=note)
    replayed, again = await crm.call("PATCH", "/sobjects/Task/Omnigate_Key__c/key-0001", body=note)

    assert (created, first["created"], replayed, again["created"]) == (201, True, 200, False)
    assert first["id"] == again["id"] and first["id"].startswith("00T")
    tasks = await crm.records(f"SELECT {NOTE_FIELDS} FROM Task WHERE WhoId IN ('{c.crm_id}') ORDER BY CreatedDate DESC")
    assert len(tasks) == len(world.history.notes(c)) + 1
    assert (tasks[0]["Id"], tasks[0]["Omnigate_Key__c"], tasks[0]["Topics__c"]) == \
        (first["id"], "key-0001", "sizing;preference")
    assert await crm.records("SELECT Id FROM Task WHERE Omnigate_Key__c = 'KEY-0001'") == []


async def test_a_create_only_field_makes_the_update_path_of_an_upsert_fail(world: World, crm: CrmClient) -> None:
    note = {**NOTE, "WhoId": world.customers[5].crm_id, "TaskSubtype": "Call"}

    created, _ = await crm.call("PATCH", "/sobjects/Task/Omnigate_Key__c/key-0003", body=note)
    replayed, errors = await crm.call("PATCH", "/sobjects/Task/Omnigate_Key__c/key-0003", body=note)

    assert (created, replayed) == (201, 400)
    assert errors[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE" and errors[0]["fields"] == ["TaskSubtype"]


@pytest.mark.parametrize(("change", "code"), [({"Channel__c": "Fax"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
                                              ({"WhoId": "003OG0009000001AAA"}, "INVALID_CROSS_REFERENCE_KEY"),
                                              ({"WhoId": "nope"}, "MALFORMED_ID")])
async def test_a_refused_note_is_not_created(world: World, crm: CrmClient, change: dict[str, str],
                                             code: str) -> None:
    status, errors = await crm.call("PATCH", "/sobjects/Task/Omnigate_Key__c/key-0002",
                                    body={**NOTE, "WhoId": world.customers[5].crm_id, **change})

    assert status == 400 and [e["errorCode"] for e in errors] == [code]
    assert await crm.records("SELECT Id FROM Task WHERE Omnigate_Key__c = 'key-0002'") == []


async def test_collection_upsert_reports_created_and_updated(world: World, crm: CrmClient) -> None:
    c = next(c for c in world.customers if c.webshop_id)
    records = [{"attributes": {"type": "Contact"}, "Webshop_Customer_Id__c": str(c.webshop_id), "LastName": "Roux"},
               {"attributes": {"type": "Contact"}, "Webshop_Customer_Id__c": 4_712_000, "LastName": "Blanc"},
               {"attributes": {"type": "Contact"}, "LastName": "Nobody"}]

    status, results = await crm.call("PATCH", "/composite/sobjects/Contact/Webshop_Customer_Id__c",
                                     body={"records": records})

    assert status == 200
    assert [(r["success"], r["created"]) for r in results] == [(True, False), (True, True), (False, False)]
    assert results[0]["id"] == c.crm_id and results[2]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    [created] = await crm.records("SELECT Id, LastName FROM Contact WHERE Webshop_Customer_Id__c = '4712000'")
    assert created == {"attributes": {"type": "Contact", "url": f"{API}/sobjects/Contact/{results[1]['id']}"},
                       "Id": results[1]["id"], "LastName": "Blanc"}


async def test_collection_upsert_all_or_none_creates_nothing_on_failure(crm: CrmClient) -> None:
    records = [{"attributes": {"type": "Contact"}, "Webshop_Customer_Id__c": "4713000", "LastName": "Blanc"},
               {"attributes": {"type": "Contact"}, "Webshop_Customer_Id__c": "4713001", "FirstName": "Léa"}]

    status, results = await crm.call("PATCH", "/composite/sobjects/Contact/Webshop_Customer_Id__c",
                                     body={"allOrNone": True, "records": records})

    assert status == 200
    assert results[0] == {"success": False, "errors": [ROLLED_BACK], "created": False}
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert await crm.records("SELECT Id FROM Contact WHERE Webshop_Customer_Id__c IN ('4713000', '4713001')") == []


async def test_collection_upsert_refuses_201_records(crm: CrmClient) -> None:
    records = [{"attributes": {"type": "Contact"}, "Webshop_Customer_Id__c": str(n), "LastName": "X"}
               for n in range(201)]

    assert await crm.call("PATCH", "/composite/sobjects/Contact/Webshop_Customer_Id__c",
                          body={"records": records}) == (400, TOO_MANY_RECORDS)
