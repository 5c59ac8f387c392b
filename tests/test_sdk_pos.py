"""The POS simulator driven by Square's own Python SDK (`squareup`), each call Omnigate's adapter makes.

The SDK is built as any Square app builds it, only `base_url` points at the
simulator; its ordinary methods and pagers are used unchanged. After each test
every raw answer the SDK received is checked against the SDK's models
(tests/square_sdk.py): fields, types, enum values, and the fields Omnigate reads.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from square.core.api_error import ApiError
from square.requests.inventory_change import InventoryChangeParams
from square.types.catalog_object import CatalogObject
from square.types.order import Order

from simulators.pos.simulator import PosSimulator
from simulators.world import DemoCustomer, World

from .square_sdk import Answer, Sdk, assert_conform, problems, square_client
from .test_sim_pos_support import TOKEN, stocked

STORE = "PAR01"
PAGE = 25  # small pages, so every listing below takes several


@pytest.fixture
async def sim_url(world: World) -> AsyncIterator[str]:
    sim = PosSimulator(world)
    yield await sim.start()
    await sim.stop()


@pytest.fixture
async def square(sim_url: str) -> AsyncIterator[Sdk]:
    """The SDK; on the way out, every answer it received must conform to its models."""
    async with square_client(sim_url, TOKEN) as sdk:
        yield sdk
        assert_conform(sdk.recorder)


@pytest.fixture
def member(world: World) -> DemoCustomer:
    """A card holder with receipts in more than one store and a booking."""
    booked = {b.customer_index for b in world.bookings}
    return next(c for c in world.customers if c.card and c.index in booked
                and len({r.store_code for r in world.history.receipts(c)}) >= 2)


def pages(square: Sdk, route: str) -> int:
    return sum(1 for a in square.recorder.answers if a.route == route)


def adjustment(variation: str, from_state: str, to_state: str) -> InventoryChangeParams:
    """One unit at STORE. The SDK's types follow Square 2026-07-15, which retired `location_id` for
    from/to_location_id; the version this client asks for (the sheet's) still names the store so."""
    return {"type": "ADJUSTMENT", "adjustment": {  # type: ignore[typeddict-unknown-key]
        "from_state": from_state, "to_state": to_state, "location_id": STORE, "catalog_object_id": variation,
        "quantity": "1", "occurred_at": datetime.now(UTC).isoformat()}}


# ---------------------------------------------------------------- Locations, Catalog

async def test_locations_list_and_get(square: Sdk, world: World) -> None:
    # when
    listed = (await square.client.locations.list()).locations or []
    one = (await square.client.locations.get(STORE)).location
    # then
    assert [loc.id for loc in listed] == [s.code for s in sorted(world.stores, key=lambda s: s.name)]
    store = world.store_by_code[STORE]
    assert one is not None and (one.name, one.timezone) == (store.name, store.timezone)
    assert one.coordinates is not None and one.coordinates.latitude == store.latitude


async def test_catalog_search_by_upc_page_by_page_then_batch_retrieve_with_parents(square: Sdk,
                                                                                  world: World) -> None:
    # given
    gtins = [p.gtin for p in world.products if not p.delisted][:60]
    query = {"set_query": {"attribute_name": "upc", "attribute_values": gtins}}
    # when
    found: list[CatalogObject] = []
    cursor = None
    while True:
        page = await square.client.catalog.search(object_types=["ITEM_VARIATION"], query=query, limit=PAGE,
                                                  **({"cursor": cursor} if cursor else {}))
        found += page.objects or []
        if not (cursor := page.cursor):
            break
    retrieved = await square.client.catalog.batch_get(object_ids=[o.id for o in found], include_related_objects=True)
    # then
    variations = [o for o in found if o.type == "ITEM_VARIATION"]
    assert sorted(v.item_variation_data.upc or "" for v in variations if v.item_variation_data) == sorted(gtins)
    assert pages(square, "POST /v2/catalog/search") == 3
    parents = {o.id for o in retrieved.related_objects or [] if o.type == "ITEM"}
    assert {o.item_variation_data.item_id for o in retrieved.objects or []
            if o.type == "ITEM_VARIATION" and o.item_variation_data} == parents


# ---------------------------------------------------------------- Inventory

async def test_inventory_counts_through_the_sdk_pager(square: Sdk, world: World) -> None:
    # given
    store = world.store_by_code[STORE]
    carried = [f for p in world.products if (f := world.store_stock(store, p)) is not None]
    # when
    pager = await square.client.inventory.batch_get_counts(location_ids=[STORE], limit=PAGE,
                                                           states=["IN_STOCK", "RESERVED_FOR_SALE"])
    counts = [count async for count in pager]
    # then
    by_state = {state: sum(int(c.quantity or 0) for c in counts if c.state == state)
                for state in ("IN_STOCK", "RESERVED_FOR_SALE")}
    assert by_state == {"IN_STOCK": sum(f.sellable for f in carried),
                        "RESERVED_FOR_SALE": sum(f.reserved for f in carried)}
    assert pages(square, "POST /v2/inventory/counts/batch-retrieve") == -(-len(counts) // PAGE) > 1


async def test_a_sale_is_accepted_and_a_hold_refused_as_square_refuses_it(square: Sdk, world: World) -> None:
    # given
    product = stocked(world, STORE)
    search = await square.client.catalog.search(object_types=["ITEM_VARIATION"], query={
        "exact_query": {"attribute_name": "upc", "attribute_value": product.gtin}})
    variation = (search.objects or [])[0].id
    sellable = world.store_stock(world.store_by_code[STORE], product).sellable  # type: ignore[union-attr]
    # when
    sold = await square.client.inventory.batch_create_changes(idempotency_key="sale-1",
                                                              changes=[adjustment(variation, "IN_STOCK", "SOLD")])
    with pytest.raises(ApiError) as refused:
        await square.client.inventory.batch_create_changes(
            idempotency_key="hold-1", changes=[adjustment(variation, "IN_STOCK", "RESERVED_FOR_SALE")])
    # then
    assert [(c.state, c.quantity) for c in sold.counts or []] == [("IN_STOCK", str(sellable - 1))]
    assert (refused.value.status_code, refused.value.body) == (400, {"errors": [{
        "category": "INVALID_REQUEST_ERROR", "code": "INVALID_VALUE", "field": "changes[0].adjustment.to_state",
        "detail": "RESERVED_FOR_SALE is read-only: the Inventory API cannot move quantities to or from it."}]})


# ---------------------------------------------------------------- Customers, Loyalty, Orders

async def test_customer_by_card_by_id_and_in_bulk(square: Sdk, member: DemoCustomer) -> None:
    # when
    searched = await square.client.customers.search(limit=100, query={
        "filter": {"reference_id": {"exact": member.card or ""}}})
    one = await square.client.customers.get(member.pos_customer_id or "")
    bulk = await square.client.customers.bulk_retrieve_customers(
        customer_ids=[member.pos_customer_id or "", "NOBODY"])
    with pytest.raises(ApiError) as unknown:
        await square.client.customers.get("NOBODY")
    # then
    assert [c.id for c in searched.customers or []] == [member.pos_customer_id]
    assert one.customer is not None and one.customer.reference_id == member.card
    responses = bulk.responses or {}
    assert responses[member.pos_customer_id or ""].customer == one.customer
    assert [e.code for e in responses["NOBODY"].errors or []] == ["NOT_FOUND"]
    assert unknown.value.status_code == 404


async def test_loyalty_account_of_a_customer(square: Sdk, member: DemoCustomer) -> None:
    # when
    found = await square.client.loyalty.accounts.search(query={"customer_ids": [member.pos_customer_id or ""]})
    # then
    [account] = found.loyalty_accounts or []
    assert (account.customer_id, account.balance) == (member.pos_customer_id, member.points)


async def test_orders_of_a_customer_page_by_page_then_by_id(square: Sdk, world: World, member: DemoCustomer) -> None:
    # given
    receipts = {r.id for r in world.history.receipts(member)}
    query = {"filter": {"customer_filter": {"customer_ids": [member.pos_customer_id or ""]},
                        "state_filter": {"states": ["COMPLETED"]}},
             "sort": {"sort_field": "CLOSED_AT", "sort_order": "DESC"}}
    codes = [s.code for s in world.stores]
    # when
    found: list[Order] = []
    for start in range(0, len(codes), 10):
        cursor = None
        while True:
            page = await square.client.orders.search(location_ids=codes[start:start + 10], query=query, limit=2,
                                                     **({"cursor": cursor} if cursor else {}))
            found += page.orders or []
            if not (cursor := page.cursor):
                break
    by_id = await square.client.orders.batch_get(order_ids=[o.id or "" for o in found])
    # then
    assert {o.id for o in found} == receipts == {o.id for o in by_id.orders or []}
    assert all(o.state == "COMPLETED" and o.line_items for o in found)


# ---------------------------------------------------------------- Bookings

async def test_bookings_of_a_store_through_the_sdk_pager_then_by_id(square: Sdk, world: World) -> None:
    # given
    start = min(b.start_at for b in world.bookings)
    end = start + timedelta(days=31)
    expected = {b.id for b in world.bookings if start <= b.start_at <= end}
    # when
    pager = await square.client.bookings.list(start_at_min=start.isoformat(), start_at_max=end.isoformat(), limit=5)
    listed = [booking async for booking in pager]
    one = await square.client.bookings.get(listed[0].id or "")
    # then
    assert {b.id for b in listed} == expected and pages(square, "GET /v2/bookings") > 1
    assert one.booking == listed[0]


# ---------------------------------------------------------------- the check itself

COUNT = {"catalog_object_id": "V1", "catalog_object_type": "ITEM_VARIATION", "state": "IN_STOCK",
         "location_id": "L1", "quantity": "5", "calculated_at": "2026-11-20T08:00:00.000Z"}


@pytest.mark.parametrize(("count", "noticed"), [
    ({**COUNT, "quantity": 5}, "Input should be a valid string"),
    ({**COUNT, "state": "ON_HOLD"}, "'ON_HOLD' is not among the SDK's values"),
    ({("locationId" if k == "location_id" else k): v for k, v in COUNT.items()}, "not a field of InventoryCount"),
    ({**COUNT, "calculated_at": None}, "calculated_at: null"),
    ({k: v for k, v in COUNT.items() if k != "quantity"}, "quantity: missing from InventoryCount"),
], ids=["type", "enum", "renamed", "null", "missing"])
def test_the_conformance_check_notices_what_the_sdk_lets_through(count: dict[str, object], noticed: str) -> None:
    # given
    route = "POST /v2/inventory/counts/batch-retrieve"
    # when
    found = problems(Answer(route, 200, {"counts": [count]}))
    # then
    assert problems(Answer(route, 200, {"counts": [COUNT]})) == []
    assert any(noticed in p for p in found), found
