"""The CRM simulator's query resource (#1, #2): SOQL over the world, paging, limits and errors."""

from collections.abc import AsyncIterator
from datetime import UTC

import pytest

from simulators.crm.values import format_datetime
from simulators.world import World
from tests.test_sim_crm_support import API, CrmClient, quoted, running

CONTACT_FIELDS = ("Id, FirstName, LastName, Email, Phone, MobilePhone, Birthdate, MailingStreet, MailingCity, "
                  "MailingPostalCode, MailingCountry, HasOptedOutOfEmail, DoNotCall, LastModifiedDate, "
                  "Loyalty_Card_Number__c, Webshop_Customer_Id__c, Favorite_Store__c, Email_Consent__c, "
                  "SMS_Consent__c, Consent_Updated_At__c, Preferred_Channel__c, Interests__c")
BY_CARD = "SELECT Id, Loyalty_Card_Number__c FROM Contact WHERE Loyalty_Card_Number__c IN ({})"
BY_EMAIL = "SELECT Id, Email FROM Contact WHERE Email IN ({})"
BY_WEBSHOP_ID = "SELECT Id, Webshop_Customer_Id__c FROM Contact WHERE Webshop_Customer_Id__c IN ({})"
ALL_CONTACTS = "SELECT Id FROM Contact ORDER BY Id"
MEMBERS = "SELECT Id, MembershipNumber, ContactId, ProgramId, MemberStatus, EnrollmentDate " \
          "FROM LoyaltyProgramMember WHERE ContactId IN ({})"
TIERS = "SELECT LoyaltyMemberId, Name, LoyaltyTierId, EffectiveDate FROM LoyaltyMemberTier " \
        "WHERE LoyaltyMemberId IN ({})"
POINTS = "SELECT LoyaltyMemberId, Name, PointsBalance FROM LoyaltyMemberCurrency " \
         "WHERE LoyaltyMemberId IN ({}) AND Name = 'Points'"
NOTES = "SELECT Id, WhoId, Description, Topics__c, Store_Code__c, Channel__c, CreatedDate FROM Task " \
        "WHERE WhoId IN ({}) ORDER BY CreatedDate DESC"


@pytest.fixture
async def crm(world: World) -> AsyncIterator[CrmClient]:
    async with running(world) as client:
        yield client


async def test_a_contact_carries_every_field_of_the_sheet(world: World, crm: CrmClient) -> None:
    c = next(c for c in world.customers if c.card and c.webshop_id and c.interests and c.favourite_store)

    [record] = await crm.records(f"SELECT {CONTACT_FIELDS} FROM Contact WHERE Id = '{c.crm_id}'")

    assert record == {
        "attributes": {"type": "Contact", "url": f"{API}/sobjects/Contact/{c.crm_id}"}, "Id": c.crm_id,
        "FirstName": c.first_name, "LastName": c.last_name, "Email": c.email, "Phone": c.phone,
        "MobilePhone": c.mobile, "Birthdate": c.birthdate.isoformat(), "MailingStreet": c.street,
        "MailingCity": c.city, "MailingPostalCode": c.postal_code, "MailingCountry": c.country,
        "HasOptedOutOfEmail": not c.email_consent, "DoNotCall": c.preferred_channel == "None",
        "LastModifiedDate": format_datetime(c.last_modified), "Loyalty_Card_Number__c": c.card,
        "Webshop_Customer_Id__c": str(c.webshop_id), "Favorite_Store__c": c.favourite_store,
        "Email_Consent__c": c.email_consent, "SMS_Consent__c": c.sms_consent,
        "Consent_Updated_At__c": format_datetime(c.consent_updated), "Preferred_Channel__c": c.preferred_channel,
        "Interests__c": ";".join(c.interests)}
    assert record["LastModifiedDate"].endswith(".000+0000") and len(record["Id"]) == 18


async def test_lookups_by_card_email_and_webshop_id_ignore_case(world: World, crm: CrmClient) -> None:
    holders = [c for c in world.customers if c.card and c.webshop_id][:200]
    cards = [str(c.card).lower() for c in holders]
    emails = [c.email.upper() for c in holders]
    shop_ids = [str(c.webshop_id) for c in holders]

    by_card = await crm.records(BY_CARD.format(quoted([*cards, "LC-NONE"])))
    by_email = await crm.records(BY_EMAIL.format(quoted(emails)))
    by_shop_id = await crm.records(BY_WEBSHOP_ID.format(quoted(shop_ids)))

    expected = sorted(c.crm_id for c in holders)
    assert [r["Id"] for r in by_card] == [r["Id"] for r in by_email] == [r["Id"] for r in by_shop_id] == expected
    cards_by_id = {c.crm_id: c.card for c in holders}
    assert all(r["Loyalty_Card_Number__c"] == cards_by_id[r["Id"]] for r in by_card)


async def test_paging_walks_every_contact_once_in_batches_of_the_header(world: World, crm: CrmClient) -> None:
    status, first = await crm.query(ALL_CONTACTS, batch=300)

    records = await crm.walk(ALL_CONTACTS, batch=300)

    assert status == 200 and len(first["records"]) == 300 and first["totalSize"] == len(world.customers)
    assert first["nextRecordsUrl"].startswith(f"{API}/query/01g") and first["nextRecordsUrl"].endswith("-300")
    assert [r["Id"] for r in records] == sorted(c.crm_id for c in world.customers)


@pytest.mark.parametrize(("asked", "served"), [(None, 1500), (50, 200), (700, 700), (5000, 1500)])
async def test_batch_size_defaults_to_2000_and_is_clamped_to_200(world: World, crm: CrmClient,
                                                                  asked: int | None, served: int) -> None:
    status, page = await crm.query(ALL_CONTACTS, batch=asked)

    assert status == 200 and len(world.customers) == 1500
    assert len(page["records"]) == served
    assert page["done"] is (served == len(world.customers))


async def test_a_locator_unknown_or_released_is_invalid(crm: CrmClient) -> None:
    _, first = await crm.query(ALL_CONTACTS, batch=200)
    for _ in range(10):
        await crm.query(ALL_CONTACTS, batch=200)

    released = await crm.call("GET", first["nextRecordsUrl"])
    unknown = await crm.call("GET", "/query/01gOG0000000999AAA-200")
    past_the_end = await crm.call("GET", first["nextRecordsUrl"].replace("-200", "-1500"))

    for status, body in (released, unknown, past_the_end):
        assert status == 400
        assert body == [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]


async def test_limit_offset_and_order_by_desc(world: World, crm: CrmClient) -> None:
    ids = sorted((c.crm_id for c in world.customers), reverse=True)

    records = await crm.records("SELECT Id FROM Contact ORDER BY Id DESC LIMIT 5 OFFSET 2000")
    page = await crm.records("SELECT Id FROM Contact ORDER BY Id DESC LIMIT 5 OFFSET 10")
    status, refused = await crm.query("SELECT Id FROM Contact ORDER BY Id LIMIT 5 OFFSET 2001")

    assert records == []
    assert [r["Id"] for r in page] == ids[10:15]
    assert status == 400 and refused[0]["errorCode"] == "NUMBER_OUTSIDE_VALID_RANGE"


async def test_filters_combine_with_and_and_match_the_world(world: World, crm: CrmClient) -> None:
    store = next(c.favourite_store for c in world.customers if c.favourite_store)

    records = await crm.records(f"SELECT Id FROM Contact WHERE Favorite_Store__c = '{store.lower()}' "
                                "AND Email_Consent__c = true AND Preferred_Channel__c IN ('Email', 'SMS')")
    unset = await crm.records("SELECT Id FROM Contact WHERE Favorite_Store__c = null")

    assert records and [r["Id"] for r in records] == [
        c.crm_id for c in world.customers
        if c.favourite_store == store and c.email_consent and c.preferred_channel in ("Email", "SMS")]
    assert [r["Id"] for r in unset] == [c.crm_id for c in world.customers if c.favourite_store is None]


async def test_loyalty_members_tiers_and_points_follow_the_world(world: World, crm: CrmClient) -> None:
    customers = world.customers[:200]
    holders = [c for c in customers if c.card]

    members = await crm.records(MEMBERS.format(quoted([c.crm_id for c in customers])))
    member_ids = [m["Id"] for m in members]
    tiers = await crm.records(TIERS.format(quoted(member_ids)))
    points = await crm.records(POINTS.format(quoted(member_ids)))

    assert [(m["ContactId"], m["MembershipNumber"], m["MemberStatus"]) for m in members] == \
        [(c.crm_id, c.card, "Active") for c in holders]
    assert all(m["Id"].startswith("0lM") and len(m["Id"]) == 18 for m in members)
    assert [m["EnrollmentDate"] for m in members] == [str(c.member_since) for c in holders]
    by_member = dict(zip(member_ids, holders, strict=True))
    assert {t["LoyaltyMemberId"]: t["Name"] for t in tiers} == {m: c.tier for m, c in by_member.items()}
    assert {p["LoyaltyMemberId"]: p["PointsBalance"] for p in points} == \
        {m: float(c.points) for m, c in by_member.items()}


async def test_notes_are_tasks_newest_first(world: World, crm: CrmClient) -> None:
    customers = world.customers[:200]
    expected = sorted(((n, c) for c in customers for n in world.history.notes(c)),
                      key=lambda pair: (pair[0].created, pair[0].id), reverse=True)

    tasks = await crm.records(NOTES.format(quoted([c.crm_id for c in customers])))

    assert len(tasks) > 5
    assert [(t["Id"], t["WhoId"], t["Description"], t["Channel__c"], t["Store_Code__c"]) for t in tasks] == \
        [(n.id, c.crm_id, n.text, n.channel, n.store_code) for n, c in expected]
    assert [t["CreatedDate"] for t in tasks] == [format_datetime(n.created.astimezone(UTC)) for n, _ in expected]
    assert [t["Topics__c"] for t in tasks] == [";".join(n.topics) for n, _ in expected]


@pytest.mark.parametrize(("soql", "code", "detail"), [
    ("SELECT Id FORM Contact", "MALFORMED_QUERY", "unexpected token: FORM"),
    ("SELECT Id, Nickname FROM Contact", "INVALID_FIELD", "No such column 'Nickname' on entity 'Contact'."),
    ("SELECT Id FROM Customer", "INVALID_TYPE", "sObject type 'Customer' is not supported."),
    ("SELECT Id FROM Contact WHERE Webshop_Customer_Id__c = 4711", "INVALID_FIELD",
     "must be of type string and should be enclosed in quotes"),
    ("SELECT Id FROM Contact WHERE DoNotCall = 'true'", "INVALID_FIELD", "should not be enclosed in quotes"),
    ("SELECT Id FROM Contact WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: abc"),
    ("SELECT Id, id FROM Contact", "MALFORMED_QUERY", "duplicate field selected: Id"),
    ("SELECT Id FROM Task WHERE Description = 'x'", "INVALID_FIELD", "can not be filtered"),
    ("SELECT Id FROM Contact ORDER BY Interests__c", "INVALID_FIELD", "can not be sorted"),
])
async def test_bad_statements_are_400_with_salesforce_codes(crm: CrmClient, soql: str, code: str,
                                                             detail: str) -> None:
    status, body = await crm.query(soql)

    assert status == 400
    [error] = body
    assert error["errorCode"] == code and detail in error["message"]
    assert "ERROR at Row:1:Column:" in error["message"]


async def test_a_query_without_a_statement_is_malformed(crm: CrmClient) -> None:
    status, body = await crm.call("GET", "/query")

    assert (status, body[0]["errorCode"]) == (400, "MALFORMED_QUERY")


async def test_fields_and_objects_resolve_case_insensitively_with_15_character_ids(world: World,
                                                                                   crm: CrmClient) -> None:
    c = world.customers[42]

    [record] = await crm.records(f"select id, EMAIL from contact where ID = '{c.crm_id[:15]}'")

    assert record == {"attributes": {"type": "Contact", "url": f"{API}/sobjects/Contact/{c.crm_id}"},
                      "Id": c.crm_id, "Email": c.email}


async def test_a_trailing_slash_after_query_is_the_same_resource(world: World, crm: CrmClient) -> None:
    # when the same statement is sent to /query and /query/, over HTTP and in a composite call
    statement = f"SELECT Id FROM Contact WHERE Id = '{world.customers[0].crm_id}'"
    plain = await crm.query(statement)
    slashed = await crm.call("GET", "/query/", params={"q": statement})
    status, composite = await crm.call("POST", "/composite", body={"compositeRequest": [
        {"method": "GET", "referenceId": "slashed", "url": f"{API}/query/?q={statement.replace(' ', '+')}"}]})
    # then each answers the same page
    assert plain[0] == slashed[0] == status == 200
    assert plain[1] == slashed[1] == composite["compositeResponse"][0]["body"]
