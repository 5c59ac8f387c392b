"""POS simulator, inventory: counts from the world's store stock, and adjustments (sell, lose, receive, return)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from simulators.world import DemoProduct, World

from .test_sim_pos_support import Json, Pos, error_of, running_pos, stocked, variation_ids

COUNTS = "/v2/inventory/counts/batch-retrieve"
CHANGES = "/v2/inventory/changes/batch-create"
STORE = "PAR01"


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def adjustment(variation: str, from_state: str, to_state: str, quantity: str, store: str = STORE,
               **extra: Any) -> Json:
    return {"type": "ADJUSTMENT", "adjustment": {
        "from_state": from_state, "to_state": to_state, "location_id": store, "catalog_object_id": variation,
        "quantity": quantity, "occurred_at": now(), **extra}}


def quantities(counts: list[Json]) -> dict[str, str]:
    return {c["state"]: c["quantity"] for c in counts}


@pytest.fixture
async def pos(world: World) -> AsyncIterator[Pos]:
    async with running_pos(world) as running:
        yield running


@pytest.fixture
def product(world: World) -> DemoProduct:
    return stocked(world, STORE, minimum=4)


@pytest.fixture
async def variation(pos: Pos, product: DemoProduct) -> str:
    return (await variation_ids(pos, [product]))[product.sku]


async def counts_at(pos: Pos, variation: str, store: str = STORE) -> dict[str, str]:
    status, body = await pos.post(COUNTS, {"catalog_object_ids": [variation], "location_ids": [store]})
    assert status == 200, body
    return quantities(body.get("counts", []))


# ---------------------------------------------------------------- BatchRetrieveInventoryCounts

async def test_counts_of_one_variation_everywhere_follow_the_world(pos: Pos, world: World) -> None:
    # given
    product = next(p for p in world.products
                   if any((f := world.store_stock(s, p)) and f.reserved for s in world.stores))
    variation = (await variation_ids(pos, [product]))[product.sku]
    # when
    counts = await pos.walk(COUNTS, {"catalog_object_ids": [variation]}, "counts")
    # then
    expected = set()
    for store in world.stores:
        figure = world.store_stock(store, product)
        if figure is not None:
            expected.add((store.code, "IN_STOCK", str(figure.sellable)))
            if figure.reserved:
                expected.add((store.code, "RESERVED_FOR_SALE", str(figure.reserved)))
    assert {(c["location_id"], c["state"], c["quantity"]) for c in counts} == expected
    assert all(c["catalog_object_type"] == "ITEM_VARIATION" and c["catalog_object_id"] == variation for c in counts)


async def test_a_whole_store_is_listed_page_by_page_newest_first(pos: Pos, world: World) -> None:
    # given
    store = world.store_by_code[STORE]
    carried = {p.sku: f for p in world.products if (f := world.store_stock(store, p)) is not None}
    ids = await variation_ids(pos, [world.product_by_sku[sku] for sku in carried])
    # when
    counts = await pos.walk(COUNTS, {"location_ids": [STORE], "limit": 50}, "counts")
    # then
    keys = [(c["catalog_object_id"], c["state"]) for c in counts]
    assert len(keys) == len(set(keys))
    in_stock = {c["catalog_object_id"]: int(c["quantity"]) for c in counts if c["state"] == "IN_STOCK"}
    assert in_stock == {ids[sku]: f.sellable for sku, f in carried.items()}
    stamps = [c["calculated_at"] for c in counts]
    assert stamps == sorted(stamps, reverse=True)


async def test_the_states_filter_keeps_only_those_states(pos: Pos, world: World) -> None:
    # given
    store = world.store_by_code[STORE]
    reserved = sum(1 for p in world.products if (f := world.store_stock(store, p)) and f.reserved)
    # when
    counts = await pos.walk(COUNTS, {"location_ids": [STORE], "states": ["RESERVED_FOR_SALE", "SOLD"]}, "counts")
    # then
    assert {c["state"] for c in counts} == {"RESERVED_FOR_SALE"} and len(counts) == reserved


async def test_count_requests_over_the_limits_are_refused(pos: Pos, world: World) -> None:
    # given
    ids = [f"V{n}" for n in range(1001)]
    # when
    over = await pos.post(COUNTS, {"catalog_object_ids": ids})
    at_limit = await pos.post(COUNTS, {"catalog_object_ids": ids[:1000]})
    low = await pos.post(COUNTS, {"limit": 0})
    high = await pos.post(COUNTS, {"limit": 1001})
    bad_state = await pos.post(COUNTS, {"states": ["ON_THE_MOON"]})
    # then
    assert (over[0], error_of(over[1])["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert at_limit == (200, {})
    assert (low[0], error_of(low[1])["code"]) == (400, "VALUE_TOO_LOW")
    assert (high[0], error_of(high[1])["code"]) == (400, "VALUE_TOO_HIGH")
    assert (bad_state[0], error_of(bad_state[1])["code"]) == (400, "INVALID_ENUM_VALUE")


# ---------------------------------------------------------------- BatchChangeInventory

@pytest.mark.parametrize(("from_state", "to_state", "field"), [
    ("IN_STOCK", "RESERVED_FOR_SALE", "to_state"),
    ("RESERVED_FOR_SALE", "IN_STOCK", "from_state"),
    ("RESERVED_FOR_SALE", "SOLD", "from_state"),
])
async def test_moves_into_or_out_of_reserved_for_sale_are_refused_as_square_refuses_them(
        pos: Pos, variation: str, from_state: str, to_state: str, field: str) -> None:
    # given
    before = await counts_at(pos, variation)
    sale = adjustment(variation, "IN_STOCK", "SOLD", "1")
    hold = adjustment(variation, from_state, to_state, "1", reference_id="RSV41")
    # when
    status, body = await pos.post(CHANGES, {"idempotency_key": "r-41", "changes": [sale, hold]})
    # then
    assert (status, body) == (400, {"errors": [{
        "category": "INVALID_REQUEST_ERROR", "code": "INVALID_VALUE", "field": f"changes[1].adjustment.{field}",
        "detail": "RESERVED_FOR_SALE is read-only: the Inventory API cannot move quantities to or from it."}]})
    assert await counts_at(pos, variation) == before


async def test_a_sale_then_its_return_put_the_unit_back(pos: Pos, world: World, product: DemoProduct,
                                                        variation: str) -> None:
    # given
    sellable = world.store_stock(world.store_by_code[STORE], product).sellable  # type: ignore[union-attr]
    await pos.post(CHANGES, {"idempotency_key": "sale", "changes": [adjustment(variation, "IN_STOCK", "SOLD", "2")]})
    # when
    status, body = await pos.post(CHANGES, {"idempotency_key": "return",
                                            "changes": [adjustment(variation, "SOLD", "IN_STOCK", "1")]})
    # then
    assert status == 200
    assert quantities(body["counts"]) == {"IN_STOCK": str(sellable - 1)}
    assert await counts_at(pos, variation) == {"IN_STOCK": str(sellable - 1)}


async def test_a_retry_replays_and_a_reused_key_is_refused(pos: Pos, world: World, product: DemoProduct,
                                                           variation: str) -> None:
    # given
    sellable = world.store_stock(world.store_by_code[STORE], product).sellable  # type: ignore[union-attr]
    request = {"idempotency_key": "sale-1", "changes": [adjustment(variation, "IN_STOCK", "SOLD", "1")]}
    # when
    first = await pos.post(CHANGES, request)
    retry = await pos.post(CHANGES, request)
    reused = await pos.post(CHANGES, {**request, "changes": [adjustment(variation, "IN_STOCK", "SOLD", "2")]})
    # then
    assert first == retry and first[0] == 200
    assert (reused[0], error_of(reused[1])["code"]) == (400, "IDEMPOTENCY_KEY_REUSED")
    assert await counts_at(pos, variation) == {"IN_STOCK": str(sellable - 1)}


async def test_an_overdraw_is_refused_and_changes_nothing(pos: Pos, world: World, product: DemoProduct,
                                                          variation: str) -> None:
    # given
    sellable = world.store_stock(world.store_by_code[STORE], product).sellable  # type: ignore[union-attr]
    before = await counts_at(pos, variation)
    # when
    status, body = await pos.post(CHANGES, {"idempotency_key": "too-much", "changes": [
        adjustment(variation, "IN_STOCK", "WASTE", "1"),
        adjustment(variation, "IN_STOCK", "SOLD", str(sellable))]})
    # then
    error = error_of(body)
    assert (status, error["code"], error["field"]) == (400, "INVALID_VALUE", "changes[1].adjustment.quantity")
    assert await counts_at(pos, variation) == before


@pytest.mark.parametrize(("change", "code"), [
    ({"from_state": "WASTE", "to_state": "IN_STOCK"}, "INVALID_VALUE"),
    ({"from_state": "IN_STOCK", "to_state": "SOLD_ONLINE"}, "INVALID_VALUE"),
    ({"from_state": "IN_STOCK", "to_state": "LIMBO"}, "INVALID_ENUM_VALUE"),
    ({"occurred_at": (datetime.now(UTC) - timedelta(hours=25)).isoformat()}, "INVALID_VALUE"),
    ({"occurred_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "INVALID_VALUE"),
    ({"occurred_at": None}, "MISSING_REQUIRED_PARAMETER"),
    ({"quantity": "-1"}, "INVALID_VALUE"),
    ({"quantity": 1}, "INVALID_VALUE"),
    ({"quantity": "9" * 27}, "INVALID_VALUE"),
    ({"location_id": "NOWHERE"}, "INVALID_VALUE"),
    ({"catalog_object_id": "UNKNOWN"}, "INVALID_VALUE"),
])
async def test_an_invalid_adjustment_is_refused(pos: Pos, variation: str, change: Json, code: str) -> None:
    # given
    body = adjustment(variation, "IN_STOCK", "SOLD", "1")
    body["adjustment"].update(change)
    # when
    status, answer = await pos.post(CHANGES, {"idempotency_key": "bad", "changes": [body]})
    # then
    assert (status, error_of(answer)["code"]) == (400, code)


async def test_change_batches_need_a_key_and_at_most_100_changes(pos: Pos, variation: str) -> None:
    # given
    one = adjustment(variation, "NONE", "IN_STOCK", "1")
    # when
    no_key = await pos.post(CHANGES, {"changes": [one]})
    too_many = await pos.post(CHANGES, {"idempotency_key": "big", "changes": [one] * 101})
    at_limit = await pos.post(CHANGES, {"idempotency_key": "full", "changes": [one] * 100})
    # then
    assert (no_key[0], error_of(no_key[1])["code"]) == (400, "MISSING_REQUIRED_PARAMETER")
    assert (too_many[0], error_of(too_many[1])["code"]) == (400, "ARRAY_LENGTH_TOO_LONG")
    assert at_limit[0] == 200 and len(at_limit[1]["changes"]) == 100


async def test_receiving_stock_in_a_store_that_lacked_it_starts_tracking_it(pos: Pos, world: World) -> None:
    # given
    store = world.store_by_code[STORE]
    product = next(p for p in world.products if not p.delisted and world.store_stock(store, p) is None)
    variation = (await variation_ids(pos, [product]))[product.sku]
    before = await counts_at(pos, variation)
    since = now()
    # when
    status, _ = await pos.post(CHANGES, {"idempotency_key": "receive",
                                         "changes": [adjustment(variation, "NONE", "IN_STOCK", "4")]})
    listed = await pos.walk(COUNTS, {"location_ids": [STORE], "updated_after": since}, "counts")
    # then
    assert before == {} and status == 200
    assert [(c["catalog_object_id"], c["state"], c["quantity"]) for c in listed] == [(variation, "IN_STOCK", "4")]
