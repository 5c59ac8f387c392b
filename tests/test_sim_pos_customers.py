"""POS simulator, people and sales: Customers, Loyalty accounts and till receipts as Orders."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from simulators.world import DemoCustomer, World

from .test_sim_pos_support import Json, Pos, error_of, running_pos, variation_ids

CUSTOMERS = "/v2/customers/search"
BULK_CUSTOMERS = "/v2/customers/bulk-retrieve"
LOYALTY = "/v2/loyalty/accounts/search"
ORDERS = "/v2/orders/search"
ORDERS_BATCH = "/v2/orders/batch-retrieve"


def e164(phone: str) -> str:
    return "+" + "".join(ch for ch in phone if ch.isdigit())


def by_card(card: str) -> Json:
    return {"query": {"filter": {"reference_id": {"exact": card}}}}


@pytest.fixture
async def pos(world: World) -> AsyncIterator[Pos]:
    async with running_pos(world) as running:
        yield running


@pytest.fixture
def member(world: World) -> DemoCustomer:
    """A card holder with a few receipts in more than one store."""
    return next(c for c in world.customers
                if c.card and len({r.store_code for r in world.history.receipts(c)}) >= 2)


def card_holders(world: World) -> list[DemoCustomer]:
    return [c for c in world.customers if c.card is not None]


async def orders_of(pos: Pos, world: World, customer_id: str, **extra: object) -> list[Json]:
    """Every order of one customer, searching the stores ten at a time as the adapter must."""
    codes = [s.code for s in world.stores]
    found: list[Json] = []
    for start in range(0, len(codes), 10):
        body = {"location_ids": codes[start:start + 10], "limit": 7,
                "query": {"filter": {"customer_filter": {"customer_ids": [customer_id]}}}, **extra}
        found += await pos.walk(ORDERS, body, "orders")
    return found


# ---------------------------------------------------------------- SearchCustomers

async def test_a_card_number_finds_its_customer(pos: Pos, member: DemoCustomer) -> None:
    # when
    status, body = await pos.post(CUSTOMERS, by_card(member.card or ""))
    # then
    assert status == 200
    [customer] = body["customers"]
    assert customer["id"] == member.pos_customer_id and customer["reference_id"] == member.card
    assert (customer["given_name"], customer["family_name"]) == (member.first_name, member.last_name)
    assert (customer["email_address"], customer["phone_number"]) == (member.email, e164(member.mobile))


async def test_an_unknown_card_finds_nothing(pos: Pos) -> None:
    # when
    status, body = await pos.post(CUSTOMERS, by_card("LC-NOBODY"))
    # then
    assert (status, body) == (200, {})


async def test_phone_and_card_filters_exact_and_fuzzy(pos: Pos, world: World, member: DemoCustomer) -> None:
    # given
    local = "0" + e164(member.mobile)[3:]
    fuzzy_card = (member.card or "")[2:].lower()
    # when
    _, exact_phone = await pos.post(CUSTOMERS, {"query": {"filter": {"phone_number": {"exact": member.mobile}}}})
    _, fuzzy_phone = await pos.post(CUSTOMERS, {"query": {"filter": {"phone_number": {"fuzzy": local}}}})
    _, fuzzy_ref = await pos.post(CUSTOMERS, {"query": {"filter": {"reference_id": {"fuzzy": fuzzy_card}}}})
    both_status, both = await pos.post(CUSTOMERS, {"query": {"filter": {
        "reference_id": {"exact": member.card, "fuzzy": member.card}}}})
    # then
    same_mobile = {c.pos_customer_id for c in card_holders(world) if e164(c.mobile) == e164(member.mobile)}
    assert {c["id"] for c in exact_phone["customers"]} == same_mobile
    assert member.pos_customer_id in {c["id"] for c in fuzzy_phone["customers"]}
    assert member.pos_customer_id in {c["id"] for c in fuzzy_ref["customers"]}
    assert (both_status, error_of(both)["code"]) == (400, "INVALID_VALUE")


async def test_all_customers_page_by_page_in_name_order(pos: Pos, world: World) -> None:
    # when
    customers = await pos.walk(CUSTOMERS, {"limit": 100}, "customers")
    # then
    ids = [c["id"] for c in customers]
    assert len(ids) == len(set(ids)) and set(ids) == {c.pos_customer_id for c in card_holders(world)}
    names = [f"{c['given_name']} {c['family_name']}".casefold() for c in customers]
    assert names == sorted(names)


async def test_customers_sorted_by_creation_with_a_count(pos: Pos, world: World) -> None:
    # when
    status, body = await pos.post(CUSTOMERS, {"limit": 50, "count": True,
                                              "query": {"sort": {"field": "CREATED_AT", "order": "DESC"}}})
    # then
    created = [c["created_at"] for c in body["customers"]]
    assert status == 200 and body["count"] == len(card_holders(world)) and len(created) == 50
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize(("limit", "code"), [(0, "VALUE_TOO_LOW"), (101, "VALUE_TOO_HIGH")])
async def test_a_customer_page_size_outside_1_to_100_is_refused(pos: Pos, limit: int, code: str) -> None:
    # when
    status, body = await pos.post(CUSTOMERS, {"limit": limit})
    # then
    assert (status, error_of(body)["code"], error_of(body)["field"]) == (400, code, "limit")


# ---------------------------------------------------------------- RetrieveCustomer, BulkRetrieveCustomers

async def test_a_customer_by_id_is_the_one_search_finds(pos: Pos, member: DemoCustomer) -> None:
    # given
    _, searched = await pos.post(CUSTOMERS, by_card(member.card or ""))
    # when
    status, body = await pos.get(f"/v2/customers/{member.pos_customer_id}")
    unknown_status, unknown = await pos.get("/v2/customers/NOBODY")
    # then
    assert (status, body) == (200, {"customer": searched["customers"][0]})
    assert (unknown_status, unknown) == (404, {"errors": [{
        "category": "INVALID_REQUEST_ERROR", "code": "NOT_FOUND", "detail": "Customer with ID `NOBODY` not found."}]})


async def test_bulk_retrieve_answers_each_id_with_its_customer_or_its_error(pos: Pos, world: World) -> None:
    # given
    members = card_holders(world)[:3]
    ids = [str(c.pos_customer_id) for c in members]
    # when
    status, body = await pos.post(BULK_CUSTOMERS, {"customer_ids": [*ids, "NOBODY", ids[0]]})
    # then
    assert status == 200 and list(body) == ["responses"]
    assert set(body["responses"]) == {*ids, "NOBODY"}
    for member, customer_id in zip(members, ids, strict=True):
        assert body["responses"][customer_id]["customer"]["reference_id"] == member.card
    assert error_of(body["responses"]["NOBODY"])["code"] == "NOT_FOUND"


@pytest.mark.parametrize(("ids", "code"), [
    (None, "MISSING_REQUIRED_PARAMETER"), ([], "ARRAY_EMPTY"), ([f"C{n}" for n in range(101)], "ARRAY_LENGTH_TOO_LONG"),
])
async def test_bulk_retrieve_takes_1_to_100_ids(pos: Pos, ids: list[str] | None, code: str) -> None:
    # when
    status, body = await pos.post(BULK_CUSTOMERS, {} if ids is None else {"customer_ids": ids})
    at_limit = await pos.post(BULK_CUSTOMERS, {"customer_ids": [f"C{n}" for n in range(100)]})
    # then
    assert (status, error_of(body)["code"], error_of(body)["field"]) == (400, code, "customer_ids")
    assert at_limit[0] == 200 and len(at_limit[1]["responses"]) == 100


# ---------------------------------------------------------------- SearchLoyaltyAccounts

async def test_loyalty_by_customer_or_by_phone_gives_the_card_points(pos: Pos, member: DemoCustomer) -> None:
    # when
    _, by_customer = await pos.post(LOYALTY, {"query": {"customer_ids": [member.pos_customer_id]}})
    _, by_phone = await pos.post(LOYALTY, {"query": {"mappings": [{"phone_number": e164(member.mobile)}]}})
    # then
    [account] = by_customer["loyalty_accounts"]
    assert account["customer_id"] == member.pos_customer_id and account["balance"] == member.points
    assert account["lifetime_points"] >= account["balance"]
    assert account["mapping"]["phone_number"] == e164(member.mobile)
    assert account in by_phone["loyalty_accounts"]


async def test_every_account_oldest_first(pos: Pos, world: World) -> None:
    # when
    accounts = await pos.walk(LOYALTY, {"limit": 200}, "loyalty_accounts")
    # then
    assert {a["customer_id"] for a in accounts} == {c.pos_customer_id for c in card_holders(world)}
    assert len(accounts) == len(card_holders(world))
    created = [a["created_at"] for a in accounts]
    assert created == sorted(created)


async def test_loyalty_searches_over_the_limits_are_refused(pos: Pos, member: DemoCustomer) -> None:
    # when
    both = await pos.post(LOYALTY, {"query": {"customer_ids": [member.pos_customer_id],
                                              "mappings": [{"phone_number": e164(member.mobile)}]}})
    many_ids = await pos.post(LOYALTY, {"query": {"customer_ids": [f"C{n}" for n in range(31)]}})
    many_phones = await pos.post(LOYALTY, {"query": {"mappings": [{"phone_number": "+33600000000"}] * 31}})
    too_big = await pos.post(LOYALTY, {"limit": 201})
    # then
    assert (both[0], error_of(both[1])["code"]) == (400, "INVALID_VALUE")
    assert (many_ids[0], error_of(many_ids[1])["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert (many_phones[0], error_of(many_phones[1])["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert (too_big[0], error_of(too_big[1])["code"]) == (400, "VALUE_TOO_HIGH")


# ---------------------------------------------------------------- SearchOrders

async def test_a_customer_s_orders_are_their_receipts(pos: Pos, world: World, member: DemoCustomer) -> None:
    # given
    receipts = {r.id: r for r in world.history.receipts(member)}
    variations = await variation_ids(pos, [world.products[line.product_index]
                                           for r in receipts.values() for line in r.lines])
    # when
    orders = await orders_of(pos, world, member.pos_customer_id or "")
    # then
    assert sorted(o["id"] for o in orders) == sorted(receipts)
    for order in orders:
        receipt = receipts[order["id"]]
        assert (order["state"], order["customer_id"], order["location_id"]) == \
            ("COMPLETED", member.pos_customer_id, receipt.store_code)
        assert order["total_money"] == {"amount": receipt.total, "currency": "EUR"}
        assert [(li["catalog_object_id"], li["quantity"], li["base_price_money"]["amount"])
                for li in order["line_items"]] == \
            [(variations[world.products[line.product_index].sku], str(line.quantity), line.unit_price)
             for line in receipt.lines]


async def test_orders_are_newest_first_by_default_and_ascending_on_request(pos: Pos, world: World,
                                                                          member: DemoCustomer) -> None:
    # given
    home = world.history.receipts(member)[0].store_code
    query = {"filter": {"customer_filter": {"customer_ids": [member.pos_customer_id]}}}
    # when
    _, default = await pos.post(ORDERS, {"location_ids": [home], "query": query})
    _, ascending = await pos.post(ORDERS, {"location_ids": [home], "query": {
        **query, "sort": {"sort_field": "CREATED_AT", "sort_order": "ASC"}}})
    # then
    created = [o["created_at"] for o in default["orders"]]
    assert created == sorted(created, reverse=True)
    assert [o["id"] for o in ascending["orders"]] == [o["id"] for o in default["orders"]][::-1]


async def test_a_store_s_sales_include_anonymous_ones_walked_to_the_end(pos: Pos, world: World) -> None:
    # given
    store = world.stores[1]
    expected = {r.id for r in world.history.anonymous_receipts(store)} | {
        r.id for c in card_holders(world) for r in world.history.receipts(c) if r.store_code == store.code}
    # when
    orders = await pos.walk(ORDERS, {"location_ids": [store.code], "limit": 25}, "orders")
    # then
    ids = [o["id"] for o in orders]
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert any("customer_id" not in o for o in orders)


async def test_order_entries_instead_of_orders(pos: Pos, world: World, member: DemoCustomer) -> None:
    # given
    home = world.history.receipts(member)[0].store_code
    mine = {"customer_filter": {"customer_ids": [member.pos_customer_id]}}
    body = {"location_ids": [home], "query": {"filter": mine}}
    # when
    _, full = await pos.post(ORDERS, body)
    _, entries = await pos.post(ORDERS, {**body, "return_entries": True})
    # then
    assert [e["order_id"] for e in entries["order_entries"]] == [o["id"] for o in full["orders"]]
    assert {e["location_id"] for e in entries["order_entries"]} == {home}


async def test_a_time_filter_must_be_on_the_sort_column(pos: Pos, world: World, member: DemoCustomer) -> None:
    # given
    newest = world.history.receipts(member)[-1]
    window = {"start_at": (newest.created - timedelta(days=1)).isoformat(),
              "end_at": (newest.created + timedelta(hours=1)).isoformat()}
    query = {"filter": {"customer_filter": {"customer_ids": [member.pos_customer_id]},
                        "date_time_filter": {"closed_at": window}}}
    # when
    unsorted = await pos.post(ORDERS, {"location_ids": [newest.store_code], "query": query})
    status, body = await pos.post(ORDERS, {"location_ids": [newest.store_code], "query": {
        **query, "sort": {"sort_field": "CLOSED_AT"}}})
    # then
    assert (unsorted[0], error_of(unsorted[1])["code"]) == (400, "INVALID_VALUE")
    assert status == 200 and newest.id in {o["id"] for o in body["orders"]}
    assert all(window["start_at"] <= o["closed_at"] for o in body["orders"])


async def test_order_searches_over_the_limits_are_refused(pos: Pos, world: World) -> None:
    # given
    codes = [s.code for s in world.stores[:11]]
    # when
    missing = await pos.post(ORDERS, {})
    many_stores = await pos.post(ORDERS, {"location_ids": codes})
    many_customers = await pos.post(ORDERS, {"location_ids": codes[:1], "query": {"filter": {
        "customer_filter": {"customer_ids": [f"C{n}" for n in range(11)]}}}})
    too_big = await pos.post(ORDERS, {"location_ids": codes[:1], "limit": 1001})
    # then
    assert (missing[0], error_of(missing[1])["code"]) == (400, "MISSING_REQUIRED_PARAMETER")
    assert (many_stores[0], error_of(many_stores[1])["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert (many_customers[0], error_of(many_customers[1])["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert (too_big[0], error_of(too_big[1])["code"]) == (400, "VALUE_TOO_HIGH")


async def test_only_completed_orders_exist(pos: Pos, world: World) -> None:
    # when
    status, body = await pos.post(ORDERS, {"location_ids": [world.stores[0].code],
                                           "query": {"filter": {"state_filter": {"states": ["OPEN"]}}}})
    # then
    assert (status, body) == (200, {})


async def test_a_receipt_for_a_delisted_article_keeps_its_deleted_variation(pos: Pos, world: World) -> None:
    # given
    delisted = {p.index for p in world.products if p.delisted}
    receipt = next(r for c in card_holders(world) for r in world.history.receipts(c)
                   if any(line.product_index in delisted for line in r.lines))
    gone = next(world.products[line.product_index] for line in receipt.lines if line.product_index in delisted)
    variation = (await variation_ids(pos, [gone]))[gone.sku]
    # when
    _, body = await pos.post(ORDERS_BATCH, {"order_ids": [receipt.id]})
    # then
    assert variation in {li["catalog_object_id"] for li in body["orders"][0]["line_items"]}


# ---------------------------------------------------------------- BatchRetrieveOrders

async def test_batch_retrieve_orders_omits_unknown_ids(pos: Pos, world: World, member: DemoCustomer) -> None:
    # given
    receipts = world.history.receipts(member)
    anonymous = world.history.anonymous_receipts(world.stores[2])[0]
    ids = [receipts[0].id, "R0000000000", "NOT-AN-ID", anonymous.id]
    # when
    status, body = await pos.post(ORDERS_BATCH, {"order_ids": ids})
    _, at_store = await pos.post(ORDERS_BATCH, {"order_ids": ids, "location_id": anonymous.store_code})
    # then
    assert status == 200 and [o["id"] for o in body["orders"]] == [receipts[0].id, anonymous.id]
    assert [o["id"] for o in at_store["orders"]] == [anonymous.id]


async def test_batch_retrieve_orders_takes_at_most_100_ids(pos: Pos) -> None:
    # when
    over = await pos.post(ORDERS_BATCH, {"order_ids": [f"R{n:010d}" for n in range(101)]})
    at_limit = await pos.post(ORDERS_BATCH, {"order_ids": [f"X{n}" for n in range(100)]})
    missing = await pos.post(ORDERS_BATCH, {})
    # then
    assert (over[0], error_of(over[1])["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert at_limit == (200, {})
    assert (missing[0], error_of(missing[1])["code"]) == (400, "MISSING_REQUIRED_PARAMETER")
