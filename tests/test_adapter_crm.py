"""Contract suite of the CRM adapter: the Customers and Health ports against the Salesforce simulator.

Everything runs over real HTTP on 127.0.0.1; expected values come from the demo world,
and the upstream calls are counted where batching is the point.
"""

import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web

from connectors.crm.adapter import CrmAdapter
from connectors.crm.error_reader import classify, read_error
from connectors.crm.soql_builder import IN_LIST_LIMIT, InQuery, literal
from connectors.customer_search import CustomerSearch
from connectors.domain import Address, Channel, CustomerNote, CustomerRecord, Loyalty, Preferences
from connectors.errors import RateLimited, UpstreamAuthFailed, UpstreamUnavailable
from simulators.control import Faults
from simulators.crm.simulator import CrmSimulator
from simulators.world import DemoCustomer, Note, World
from simulators.world.customers import crm_id

TOKEN = "demo-crm-token"
API = "/crm/services/data/v60.0"
QUERY = f"GET {API}/query"
QUERY_MORE = f"GET {API}/query/{{locator}}"
RETRIEVE = f"POST {API}/composite/sobjects/{{sObject}}"
COMPOSITE = f"POST {API}/composite"
PREFERRED = {"Email": Channel.WEB, "SMS": Channel.MOBILE_APP, "Phone": Channel.CALL_CENTER, "Post": Channel.STORE,
             "None": None}
NOTE_CHANNELS = {"Store": Channel.STORE, "Kiosk": Channel.KIOSK, "Call_Center": Channel.CALL_CENTER,
                 "Web": Channel.WEB, "Mobile_App": Channel.MOBILE_APP}
TIERS = {"Bronze": "BASIC", "Silver": "SILVER", "Gold": "GOLD", "Platinum": "PLATINUM"}
RATE_LIMITED = [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
NO_ACCESS = [{"message": "insufficient access rights on object id", "errorCode": "INSUFFICIENT_ACCESS"}]

Serve = Callable[[web.Application], Awaitable[str]]


@pytest.fixture
def sim(world: World) -> CrmSimulator:
    return CrmSimulator(world)


@pytest.fixture
async def url(sim: CrmSimulator) -> AsyncIterator[str]:
    yield await sim.start()
    await sim.stop()


@pytest.fixture
def crm(url: str, session: aiohttp.ClientSession) -> CrmAdapter:
    return CrmAdapter.connect(session, url, TOKEN, timeout_s=5.0)


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Serves a stub application under `/crm` for the answers the simulator never gives."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        root = web.Application()
        root.add_subapp("/crm", app)
        runner = web.AppRunner(root)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}/crm"

    yield start
    for runner in runners:
        await runner.cleanup()


def calls(sim: CrmSimulator) -> dict[str, int]:
    systems = cast(dict[str, dict[str, Any]], sim.control.stats()["systems"])
    return dict(systems["crm"]["routes"])


def unknown_id(n: int) -> str:
    return crm_id("003", 9_000_000 + n)


def expected_customer(c: DemoCustomer) -> CustomerRecord:
    return CustomerRecord(
        id=c.crm_id, first_name=c.first_name, last_name=c.last_name, email=c.email, phone=c.phone,
        address=Address(line1=c.street, postal_code=c.postal_code, city=c.city, country_code="FR"),
        loyalty_card=c.card,
        preferences=Preferences(preferred_channel=PREFERRED[c.preferred_channel], email_opt_in=c.email_consent,
                                sms_opt_in=c.sms_consent, interests=c.interests),
        favourite_store=c.favourite_store,
        webshop_customer_id=None if c.webshop_id is None else str(c.webshop_id),
    )


def expected_note(c: DemoCustomer, n: Note) -> CustomerNote:
    return CustomerNote(id=n.id, customer_id=c.crm_id, text=n.text, topics=n.topics, store_code=n.store_code,
                        channel=NOTE_CHANNELS[n.channel], created_at=n.created)


async def test_check_is_one_query(sim: CrmSimulator, crm: CrmAdapter) -> None:
    await crm.check()

    assert calls(sim) == {QUERY: 1}


async def test_customers_by_id_match_the_world_in_chunks_of_2000(world: World, sim: CrmSimulator,
                                                                 crm: CrmAdapter) -> None:
    # given 2,500 ids: the whole small world, then unknown ones
    known = [c.crm_id for c in world.customers]
    ids = known + [unknown_id(n) for n in range(2500 - len(known))]

    records = await crm.customers(ids)

    assert calls(sim) == {RETRIEVE: 2}
    assert records[:len(known)] == [expected_customer(c) for c in world.customers]
    assert records[len(known):] == [None] * (2500 - len(known))


async def test_customers_are_aligned_deduped_and_skip_malformed_ids(world: World, sim: CrmSimulator,
                                                                    crm: CrmAdapter) -> None:
    a, b = world.customers[3], world.customers[7]
    ids = [b.crm_id, "not-an-id", a.crm_id, b.crm_id, unknown_id(1), ""]

    records = await crm.customers(ids)

    assert records == [expected_customer(b), None, expected_customer(a), expected_customer(b), None, None]
    assert calls(sim) == {RETRIEVE: 1}
    assert await crm.customers(["x", ""]) == [None, None]
    assert calls(sim) == {RETRIEVE: 1}


async def test_customers_by_card_use_one_query_per_200_cards_and_ignore_case(world: World, sim: CrmSimulator,
                                                                             crm: CrmAdapter) -> None:
    holders = [c for c in world.customers if c.card][:450]
    cards = [c.card.lower() if n % 3 == 0 else c.card for n, c in enumerate(holders) if c.card]

    records = await crm.customers_by_card([*cards, "LC-NO-SUCH-CARD", "X" * 40])

    assert calls(sim) == {QUERY: math.ceil(450 / IN_LIST_LIMIT)}
    assert records == [*(expected_customer(c) for c in holders), None, None]


async def test_card_lookups_split_further_to_keep_the_url_short(world: World, sim: CrmSimulator,
                                                                  crm: CrmAdapter) -> None:
    # given 200 cards of 20 characters that each encode to 9 bytes: one IN list would be a 414
    holder = next(c for c in world.customers if c.card)
    cards = [f"{n:03d}{'€' * 17}" for n in range(199)] + [str(holder.card)]

    records = await crm.customers_by_card(cards)

    assert calls(sim)[QUERY] > 1
    assert records == [None] * 199 + [expected_customer(holder)]


async def test_customers_by_webshop_id(world: World, sim: CrmSimulator, crm: CrmAdapter) -> None:
    shoppers = [c for c in world.customers if c.webshop_id is not None][:250]
    keys = [str(c.webshop_id) for c in shoppers]

    records = await crm.customers_by_webshop_id([*keys, keys[0], "999999999"])

    assert calls(sim) == {QUERY: 2}
    assert records == [*(expected_customer(c) for c in shoppers), expected_customer(shoppers[0]), None]


async def test_loyalty_is_a_member_query_then_one_composite(world: World, sim: CrmSimulator,
                                                            crm: CrmAdapter) -> None:
    customers = world.customers[:150]
    ids = [c.crm_id for c in customers]

    loyalties = await crm.loyalty([*ids, unknown_id(2)])

    assert calls(sim) == {QUERY: 1, COMPOSITE: 1}
    assert loyalties == [*(Loyalty(c.card, TIERS[c.tier], c.points) if c.card and c.tier else None
                           for c in customers), None]
    assert any(entry is None for entry in loyalties[:150]) and any(loyalties)


async def test_loyalty_packs_two_member_chunks_per_composite(world: World, sim: CrmSimulator,
                                                             crm: CrmAdapter) -> None:
    customers = world.customers
    members = sum(1 for c in customers if c.card)

    loyalties = await crm.loyalty([c.crm_id for c in customers])

    member_chunks = math.ceil(members / IN_LIST_LIMIT)
    assert calls(sim) == {QUERY: math.ceil(len(customers) / IN_LIST_LIMIT), COMPOSITE: math.ceil(member_chunks / 2)}
    assert [entry.points if entry else None for entry in loyalties] == \
        [c.points if c.card else None for c in customers]


async def test_notes_match_the_world_newest_first(world: World, sim: CrmSimulator, crm: CrmAdapter) -> None:
    customers = world.customers[:300]

    notes = await crm.notes([*(c.crm_id for c in customers), unknown_id(3)])

    assert calls(sim) == {QUERY: 2}
    assert notes == [*(tuple(expected_note(c, n) for n in world.history.notes(c)) for c in customers), ()]
    assert sum(1 for entry in notes if entry) > 10
    assert all(list(entry) == sorted(entry, key=lambda n: n.created_at, reverse=True) for entry in notes)


@pytest.mark.parametrize("faults", [Faults(down=True), Faults(error_rate=1.0)])
async def test_an_unavailable_crm_is_upstream_unavailable(sim: CrmSimulator, crm: CrmAdapter,
                                                          faults: Faults) -> None:
    sim.control.set_faults("crm", faults)

    with pytest.raises(UpstreamUnavailable) as caught:
        await crm.customers([unknown_id(4)])

    assert caught.value.system == "crm"


async def test_a_wrong_token_is_an_auth_failure(url: str, session: aiohttp.ClientSession) -> None:
    crm = CrmAdapter.connect(session, url, "not-the-token")

    with pytest.raises(UpstreamAuthFailed) as caught:
        await crm.check()

    assert (caught.value.system, caught.value.status) == ("crm", 401)
    assert "INVALID_SESSION_ID" in str(caught.value)


async def test_request_limit_exceeded_is_unavailable_unretried_and_opens_the_breaker(
        serve: Serve, session: aiohttp.ClientSession) -> None:
    hits: list[str] = []

    async def refuse(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.json_response(RATE_LIMITED, status=403)

    app = web.Application()
    app.router.add_get("/services/data/v60.0/query", refuse)
    crm = CrmAdapter.connect(session, await serve(app), TOKEN)

    with pytest.raises(RateLimited) as caught:
        await crm.check()
    with pytest.raises(UpstreamUnavailable, match="breaker open"):
        await crm.check()

    assert (caught.value.system, caught.value.status) == ("crm", 403)
    assert hits == ["/crm/services/data/v60.0/query"]


def test_the_classifier_tells_a_rate_limit_from_missing_access() -> None:
    assert classify(403, RATE_LIMITED) is RateLimited
    assert classify(403, NO_ACCESS) is None
    assert classify(400, RATE_LIMITED) is None

    assert read_error(403, RATE_LIMITED) == "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."
    assert read_error(403, NO_ACCESS) == "INSUFFICIENT_ACCESS: insufficient access rights on object id"
    assert read_error(503, "<html>down</html>") == "HTTP 503"


async def test_insufficient_access_stays_an_auth_failure(serve: Serve, session: aiohttp.ClientSession) -> None:
    async def refuse(request: web.Request) -> web.Response:
        return web.json_response(NO_ACCESS, status=403)

    app = web.Application()
    app.router.add_get("/services/data/v60.0/query", refuse)
    crm = CrmAdapter.connect(session, await serve(app), TOKEN)

    with pytest.raises(UpstreamAuthFailed):
        await crm.check()


async def test_next_records_url_is_followed_from_the_instance_url(serve: Serve, world: World,
                                                                  session: aiohttp.ClientSession) -> None:
    # given a query answered in two pages, the second behind a root-relative locator
    c = world.customers[0]
    note = {"attributes": {"type": "Task"}, "Id": "00TOG0000000000AAA", "WhoId": c.crm_id, "Description": "x",
            "Topics__c": None, "Store_Code__c": None, "Channel__c": None, "CreatedDate": "2026-01-02T03:04:05.000+0000"}

    async def first(request: web.Request) -> web.Response:
        return web.json_response({"totalSize": 2, "done": False, "records": [note],
                                  "nextRecordsUrl": "/services/data/v60.0/query/01gOG-1"})

    async def rest(request: web.Request) -> web.Response:
        assert request.match_info["locator"] == "01gOG-1"
        return web.json_response({"totalSize": 2, "done": True, "records": [{**note, "Id": "00TOG0000000001AAA"}]})

    app = web.Application()
    app.router.add_get("/services/data/v60.0/query", first)
    app.router.add_get("/services/data/v60.0/query/{locator}", rest)
    crm = CrmAdapter.connect(session, await serve(app), TOKEN)

    [notes] = await crm.notes([c.crm_id])

    assert [n.id for n in notes] == ["00TOG0000000000AAA", "00TOG0000000001AAA"]
    assert {n.channel for n in notes} == {"CALL_CENTER"}


async def test_a_failed_composite_subrequest_maps_like_a_request(serve: Serve, world: World,
                                                                 session: aiohttp.ClientSession) -> None:
    c = next(c for c in world.customers if c.card)
    member = {"Id": "0lMOG0000000001AAA", "MembershipNumber": c.card, "ContactId": c.crm_id, "MemberStatus": "Active"}

    async def members(request: web.Request) -> web.Response:
        return web.json_response({"totalSize": 1, "done": True, "records": [member]})

    async def composite(request: web.Request) -> web.Response:
        refs = [sub["referenceId"] for sub in (await request.json())["compositeRequest"]]
        return web.json_response({"compositeResponse": [
            {"body": RATE_LIMITED, "httpHeaders": {}, "httpStatusCode": 403, "referenceId": ref} for ref in refs]})

    app = web.Application()
    app.router.add_get("/services/data/v60.0/query", members)
    app.router.add_post("/services/data/v60.0/composite", composite)
    crm = CrmAdapter.connect(session, await serve(app), TOKEN)

    with pytest.raises(RateLimited, match="REQUEST_LIMIT_EXCEEDED"):
        await crm.loyalty([c.crm_id])
    with pytest.raises(UpstreamUnavailable, match="breaker open"):
        await crm.loyalty([c.crm_id])


def test_in_lists_stay_under_the_url_limit() -> None:
    query = InQuery("SELECT Id FROM Contact", "Email", "ORDER BY Id")
    values = [f"{'x' * 60}{n}@example.fr" for n in range(500)]

    statements = query.statements(values, max_encoded=8000)

    assert all(len(quote(s, safe="")) <= 8000 for s in statements)
    assert len(statements) > math.ceil(500 / IN_LIST_LIMIT)
    assert sum(s.count("@example.fr") for s in statements) == 500


def test_literals_escape_quotes_and_backslashes() -> None:
    assert literal("O'Brien\\x") == "'O\\'Brien\\\\x'"


async def test_search_finds_by_email_phone_and_name_in_one_composite_call_each(world: World, sim: CrmSimulator,
                                                                                crm: CrmAdapter) -> None:
    c = world.customers[0]
    namesakes = sorted((x for x in world.customers if x.last_name == c.last_name), key=lambda x: x.crm_id)
    searches = [(CustomerSearch.read(c.email.upper()), [c]),
                (CustomerSearch.read(c.mobile.replace("+33 ", "0")), [c]),
                (CustomerSearch.read(c.phone), [c]),
                (CustomerSearch.read(f"{c.first_name} {c.last_name}"),
                 [x for x in namesakes if x.first_name == c.first_name]),
                (CustomerSearch.read(c.last_name), namesakes)]
    for search, expected in searches:
        assert await crm.search(search, 50) == [expected_customer(x) for x in expected], search
    assert await crm.search(CustomerSearch.read(c.last_name), 1) == [expected_customer(namesakes[0])]
    assert calls(sim) == {COMPOSITE: len(searches) + 1}
