"""The CRM simulator driven by simple-salesforce, the most-used Python client, with its ordinary calls.

simple-salesforce builds `https://<host:port>/services/data/vNN.N/…` from the instance URL (scheme and path
dropped), so the simulator is served as Salesforce is: over HTTPS, at the root. Calls mirror the adapter's
(`connectors/crm`): queries walked with `nextRecordsUrl`, Contacts by id through sObject Collections, the
loyalty queries in one composite call; plus the sheet's single-record read, update and upsert.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from simple_salesforce.api import Salesforce, SFType
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)
from simple_salesforce.util import Usage

from simulators.crm.simulator import CrmSimulator
from simulators.crm.usage import DAILY_API_REQUESTS
from simulators.world import DemoCustomer, World
from tests.sdk_support import serving
from tests.test_sim_crm_support import API, TOKEN, quoted

VERSION = "60.0"
BY_CARD = "SELECT Id, Loyalty_Card_Number__c FROM Contact WHERE Loyalty_Card_Number__c IN ({}) ORDER BY Id"
ALL_CONTACTS = "SELECT Id FROM Contact ORDER BY Id"
MEMBERS = "SELECT Id, ContactId FROM LoyaltyProgramMember WHERE ContactId IN ({})"
TIERS = "SELECT LoyaltyMemberId, Name FROM LoyaltyMemberTier WHERE LoyaltyMemberId IN ({})"
POINTS = "SELECT LoyaltyMemberId, PointsBalance FROM LoyaltyMemberCurrency WHERE Name = 'Points' " \
         "AND LoyaltyMemberId IN ({})"
UNKNOWN_CONTACT = "003OG0009000001AAA"
NOTE = {"Subject": "Note", "Description": "Asked for a half size up in trail shoes.", "Status": "Completed",
        "Channel__c": "Kiosk", "Store_Code__c": "LYS01", "Topics__c": "sizing"}
SMALL_ALLOCATION = 3


@contextmanager
def connected(url: str, ca_file: str | None, token: str = TOKEN) -> Iterator[Salesforce]:
    """As the library documents it: an instance URL and a session id; its session trusts the test CA."""
    with requests.Session() as session:
        session.trust_env = False  # else a REQUESTS_CA_BUNDLE in the environment overrides `verify`
        session.verify = ca_file or True
        yield Salesforce(instance_url=url, session_id=token, version=VERSION, session=session)


@pytest.fixture
def crm(world: World) -> Iterator[tuple[CrmSimulator, Salesforce]]:
    sim = CrmSimulator(world)
    with serving(sim.app(), tls=True) as served, connected(served.url, served.ca_file) as sf:
        yield sim, sf


@pytest.fixture
def sf(crm: tuple[CrmSimulator, Salesforce]) -> Salesforce:
    return crm[1]


def sobject(sf: Salesforce, name: str) -> SFType:
    """`sf.Contact` and the like, typed: the library's attribute access may also give its bulk handlers."""
    found = getattr(sf, name)
    assert isinstance(found, SFType)
    return found


def content(error: SalesforceError) -> object:
    """The parsed JSON body the library keeps (its annotation says bytes)."""
    return error.content


def holders(world: World, count: int) -> list[DemoCustomer]:
    return [c for c in world.customers if c.card][:count]


def test_query_sent_to_query_with_a_trailing_slash_is_answered(world: World, sf: Salesforce) -> None:
    # given customers with loyalty cards
    cards = [str(c.card) for c in holders(world, 5)]
    # when they are looked up by card (simple-salesforce sends GET …/query/?q=)
    page = sf.query(BY_CARD.format(quoted(cards)))
    # then the one page holds each of them
    assert (page["totalSize"], page["done"]) == (5, True)
    assert sorted(r["Loyalty_Card_Number__c"] for r in page["records"]) == sorted(cards)
    assert page["records"][0]["attributes"]["url"].startswith(f"{API}/sobjects/Contact/")


def test_query_more_follows_next_records_url_and_query_all_reads_every_page(world: World, sf: Salesforce) -> None:
    # given a query with more records than one batch of 200
    first = sf.query(ALL_CONTACTS, headers={"Sforce-Query-Options": "batchSize=200"})
    # when the next pages are read by URL, by locator, and all at once
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    third = sf.query_more(second["nextRecordsUrl"].rpartition("/")[2])
    everything = sf.query_all(ALL_CONTACTS)
    # then the pages follow on and every contact comes once
    assert (len(first["records"]), first["done"], len(second["records"]), len(third["records"])) == (200, False, 200,
                                                                                                     200)
    ids = [r["Id"] for page in (first, second, third) for r in page["records"]]
    assert ids == sorted(c.crm_id for c in world.customers)[:600]
    assert [r["Id"] for r in everything["records"]] == sorted(c.crm_id for c in world.customers)
    assert everything["totalSize"] == len(world.customers)


def test_contacts_by_id_through_sobject_collections(world: World, sf: Salesforce) -> None:
    # given two known contacts and an unknown id
    a, b = world.customers[:2]
    ids = [a.crm_id, UNKNOWN_CONTACT, b.crm_id]
    # when they are retrieved in one call, as the adapter does
    records = sf.restful("composite/sobjects/Contact", method="POST", json={"ids": ids, "fields": ["Id", "Email"]})
    # then they come in id order, null for the unknown one
    assert records is not None
    assert [r and (r["Id"], r["Email"]) for r in records] == [(a.crm_id, a.email), None, (b.crm_id, b.email)]


def test_loyalty_tier_and_points_in_one_composite_call(world: World, sf: Salesforce) -> None:
    # given the loyalty members of some card holders
    customers = {c.crm_id: c for c in holders(world, 20)}
    members = sf.query_all(MEMBERS.format(quoted(list(customers))))["records"]
    contact_of = {m["Id"]: m["ContactId"] for m in members}
    in_list = quoted(list(contact_of))
    subrequests = [{"method": "GET", "referenceId": ref, "url": f"{API}/query?q={soql.replace(' ', '+')}"}
                   for ref, soql in (("tiers", TIERS.format(in_list)), ("points", POINTS.format(in_list)))]
    # when their tiers and points are read in one composite call
    body = sf.restful("composite", method="POST", json={"allOrNone": False, "compositeRequest": subrequests})
    # then both queries answer, each member with the world's tier and points
    assert body is not None
    tiers, points = body["compositeResponse"]
    assert (tiers["httpStatusCode"], points["httpStatusCode"]) == (200, 200)
    assert {contact_of[t["LoyaltyMemberId"]]: t["Name"] for t in tiers["body"]["records"]} == \
        {i: c.tier for i, c in customers.items()}
    assert {contact_of[p["LoyaltyMemberId"]]: p["PointsBalance"] for p in points["body"]["records"]} == \
        {i: c.points for i, c in customers.items()}


def test_one_contact_read_updated_and_a_note_upserted(world: World, sf: Salesforce) -> None:
    # given a contact
    customer = world.customers[3]
    # when it is read, its favourite store changed, and a note upserted twice on its key
    contacts, tasks = sobject(sf, "Contact"), sobject(sf, "Task")
    before = contacts.get(customer.crm_id)
    updated = contacts.update(customer.crm_id, {"Favorite_Store__c": "NTE02"})
    created = tasks.upsert("Omnigate_Key__c/key-0001", {**NOTE, "WhoId": customer.crm_id})
    replayed = tasks.upsert("Omnigate_Key__c/key-0001", {**NOTE, "WhoId": customer.crm_id})
    # then the read has every field, the update is 204 and the note is created once
    assert (before["Id"], before["Email"]) == (customer.crm_id, customer.email)
    assert (updated, created, replayed) == (204, 201, 200)
    assert contacts.get(customer.crm_id)["Favorite_Store__c"] == "NTE02"
    assert sf.query("SELECT Id FROM Task WHERE Omnigate_Key__c = 'key-0001'")["totalSize"] == 1


def test_every_response_tells_the_api_usage(world: World, crm: tuple[CrmSimulator, Salesforce]) -> None:
    # given a client that made no call yet
    sim, sf = crm
    contacts = sobject(sf, "Contact")
    assert sf.api_usage == contacts.api_usage == {}
    # when it queries twice and reads a record
    sf.query(ALL_CONTACTS)
    sf.query(ALL_CONTACTS)
    contacts.get(world.customers[0].crm_id)
    # then each response told the org's usage of its daily allocation
    assert sf.api_usage == {"api-usage": Usage(used=2, total=DAILY_API_REQUESTS)}
    assert contacts.api_usage == {"api-usage": Usage(used=3, total=DAILY_API_REQUESTS)}
    assert sim.usage.used == 3


def test_the_limit_is_seen_coming_then_refused(world: World) -> None:
    # given an org with a tiny daily allocation
    sim = CrmSimulator(world, daily_api_requests=SMALL_ALLOCATION)
    with serving(sim.app(), tls=True) as served, connected(served.url, served.ca_file) as sf:
        # when it is used up
        seen = []
        for _ in range(SMALL_ALLOCATION):
            sf.query(ALL_CONTACTS)
            seen.append(sf.api_usage["api-usage"])
        with pytest.raises(SalesforceRefusedRequest) as refused:
            sf.query(ALL_CONTACTS)
    # then the client saw it coming, and the next call is refused as Salesforce refuses it
    assert seen == [Usage(1, 3), Usage(2, 3), Usage(3, 3)]
    assert refused.value.status == 403
    assert content(refused.value) == [{"message": "TotalRequests Limit exceeded.",
                                      "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


def test_errors_raise_the_librarys_own_exceptions(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as malformed:
        sf.query("SELECT Id FORM Contact")
    with pytest.raises(SalesforceResourceNotFound) as missing:
        sobject(sf, "Contact").get(UNKNOWN_CONTACT)
    with connected(f"https://{sf.sf_instance}", str(sf.session.verify), token="stale") as stale, \
            pytest.raises(SalesforceExpiredSession) as expired:
        stale.query(ALL_CONTACTS)
    assert content(malformed.value) == [{"message": "\nSELECT Id FORM Contact\n          ^\nERROR at Row:1:Column:11\n"
                                                    "unexpected token: FORM", "errorCode": "MALFORMED_QUERY"}]
    assert content(missing.value) == [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]
    assert content(expired.value) == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
