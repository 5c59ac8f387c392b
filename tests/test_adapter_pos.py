"""Contract suite for the POS adapter (Square API v2), run against the POS simulator over real HTTP.

Values are checked against the demo world, not constants; where batching is
the point, the simulator's request counts per route are checked too.
"""

import math
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from connectors.credentials import DEMO_CREDENTIALS
from connectors.domain import (
    Address,
    Appointment,
    AppointmentStatus,
    Channel,
    GeoPoint,
    Money,
    OpeningPeriod,
    Purchase,
    PurchaseLine,
    ShownPrice,
    StockLevel,
    Store,
    System,
)
from connectors.errors import UpstreamAuthFailed, UpstreamUnavailable
from connectors.pos.adapter import PosAdapter
from connectors.pos.booking_reader import MAX_WINDOW, windows
from connectors.pos.card_lookup import CardLookup
from connectors.pos.square_client import read_square_error
from connectors.pos.to_domain import services
from simulators.control import Faults
from simulators.pos.simulator import PosSimulator
from simulators.world import (
    APPOINTMENT_SERVICES,
    Booking,
    DemoCustomer,
    DemoProduct,
    DemoStore,
    Scale,
    World,
    build_world,
)

LOCATIONS = "GET /pos/v2/locations"
CATALOG_SEARCH = "POST /pos/v2/catalog/search"
CATALOG_RETRIEVE = "POST /pos/v2/catalog/batch-retrieve"
COUNTS = "POST /pos/v2/inventory/counts/batch-retrieve"
CUSTOMER_SEARCH = "POST /pos/v2/customers/search"
CUSTOMER_RETRIEVE = "POST /pos/v2/customers/bulk-retrieve"
ORDER_SEARCH = "POST /pos/v2/orders/search"
BOOKINGS = "GET /pos/v2/bookings"
UNKNOWN_GTIN = "0000000000000"
UNKNOWN_CARD = "LC-NOBODY"
STATUS = {"PENDING": AppointmentStatus.REQUESTED, "ACCEPTED": AppointmentStatus.CONFIRMED,
          "DECLINED": AppointmentStatus.DECLINED, "CANCELLED_BY_CUSTOMER": AppointmentStatus.CANCELLED,
          "CANCELLED_BY_SELLER": AppointmentStatus.CANCELLED, "NO_SHOW": AppointmentStatus.DONE}

Connect = Callable[..., PosAdapter]


# ---------------------------------------------------------------- fixtures

@pytest.fixture
def sim(world: World) -> PosSimulator:
    return PosSimulator(world, clock=lambda: world.now)


@pytest.fixture
async def base_url(sim: PosSimulator) -> AsyncIterator[str]:
    yield await sim.start()
    await sim.stop()


@pytest.fixture
def connect(base_url: str, session: aiohttp.ClientSession, world: World) -> Connect:
    def build(token: str = DEMO_CREDENTIALS.pos_token) -> PosAdapter:
        return PosAdapter.connect(session, base_url, token, timeout_s=2.0, clock=lambda: world.now)
    return build


@pytest.fixture
def pos(connect: Connect, sim: PosSimulator) -> PosAdapter:
    sim.control.reset_stats()
    return connect()


@pytest.fixture(scope="module")
def big_world() -> World:
    """More than 1,000 articles, so inventory reads need two chunks."""
    return build_world(seed=7, scale=Scale.DEFAULT, as_of=date(2026, 11, 20))


def routes(sim: PosSimulator) -> dict[str, int]:
    stats: Any = sim.control.stats()
    return dict(stats["systems"]["pos"]["routes"])


# ---------------------------------------------------------------- the world, as the ports should show it

def as_store(s: DemoStore) -> Store:
    return Store(code=s.code, name=s.name, address=Address(s.street, s.postal_code, s.city, "FR"),
                 location=GeoPoint(s.latitude, s.longitude), timezone=s.timezone,
                 hours=tuple(OpeningPeriod(p.weekday, time.fromisoformat(p.opens), time.fromisoformat(p.closes))
                             for p in sorted(s.hours, key=lambda p: p.weekday)),
                 services=frozenset(s.services), active=s.active, phone=s.phone)


def as_stock(world: World, product: DemoProduct, store: DemoStore) -> tuple[int, int] | None:
    figure = world.store_stock(store, product)
    return (figure.sellable, figure.reserved) if figure is not None else None


def as_level(level: StockLevel | None) -> tuple[int, int] | None:
    return (level.sellable, level.reserved) if level is not None else None


def as_line(world: World, product_index: int, quantity: int, unit_price: int) -> PurchaseLine:
    p = world.products[product_index]
    return PurchaseLine(sku=p.sku, gtin=p.gtin, name=p.name, quantity=quantity,
                        unit_price=Money.from_cents(unit_price), total=Money.from_cents(unit_price * quantity))


def card_holders(world: World, count: int, *, with_delisted: bool = False) -> list[DemoCustomer]:
    delisted = {p.index for p in world.products if p.delisted}
    found = []
    for c in world.customers:
        receipts = world.history.receipts(c)
        bought_delisted = any(line.product_index in delisted for r in receipts for line in r.lines)
        if c.card and receipts and bought_delisted == with_delisted:
            found.append(c)
            if len(found) == count:
                return found
    raise AssertionError("the world has too few such card holders")


def booking_card(world: World, b: Booking) -> str | None:
    return world.customers[b.customer_index].card if b.customer_index is not None else None


def as_appointment(world: World, b: Booking) -> Appointment:
    return Appointment(id=b.id, store_code=b.store_code, topic=APPOINTMENT_SERVICES[b.service][0],
                       requested_for=b.start_at, created_at=b.created_at, status=STATUS[b.status], channel=Channel.WEB,
                       customer_card=booking_card(world, b))


# ---------------------------------------------------------------- health and credentials

async def test_check_is_one_location_read(pos: PosAdapter, sim: PosSimulator) -> None:
    await pos.check()

    assert routes(sim) == {LOCATIONS: 1}


async def test_a_wrong_token_is_an_auth_failure_naming_the_pos(connect: Connect, world: World) -> None:
    pos = connect(token="not-the-token")

    with pytest.raises(UpstreamAuthFailed) as on_check:
        await pos.check()
    with pytest.raises(UpstreamAuthFailed) as on_prices:
        await pos.prices([world.products[0].gtin])

    assert on_check.value.system == "pos" and on_check.value.status == 401
    assert "UNAUTHORIZED" in str(on_check.value) and on_prices.value.status == 401


@pytest.mark.parametrize("faults", [Faults(down=True), Faults(error_rate=1.0)], ids=["down", "erroring"])
async def test_a_failing_pos_is_unavailable_naming_the_pos(pos: PosAdapter, sim: PosSimulator, world: World,
                                                           faults: Faults) -> None:
    sim.control.set_faults("pos", faults)
    gtin, card = world.products[0].gtin, card_holders(world, 1)[0].card
    assert card is not None

    for act in (pos.stock([(gtin, world.stores[0].code)]), pos.receipts_of([card])):
        with pytest.raises(UpstreamUnavailable) as caught:
            await act
        assert caught.value.system == "pos"


def test_the_error_reader_keeps_squares_first_code_and_detail() -> None:
    body = {"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "VALUE_TOO_HIGH", "detail": "limit"},
                       {"category": "INVALID_REQUEST_ERROR", "code": "OTHER"}]}

    assert read_square_error(400, body) == "HTTP 400 VALUE_TOO_HIGH: limit"
    assert read_square_error(502, "<html>bad gateway</html>") == "HTTP 502"


async def test_a_429_is_retried_as_the_sheet_says(aiohttp_server: AiohttpServer,
                                                  session: aiohttp.ClientSession) -> None:
    # given a Square that refuses the first call with its rate limit error
    hits: list[str] = []

    async def locations(request: web.Request) -> web.Response:
        hits.append(request.path)
        if len(hits) == 1:
            return web.json_response({"errors": [{"category": "RATE_LIMIT_ERROR", "code": "RATE_LIMITED"}]},
                                     status=429)
        return web.json_response({"locations": []})

    app = web.Application()
    app.router.add_get("/v2/locations", locations)
    server = await aiohttp_server(app)
    pos = PosAdapter.connect(session, str(server.make_url("")), DEMO_CREDENTIALS.pos_token)

    # when the adapter checks, then the call is retried and succeeds
    await pos.check()
    assert hits == ["/v2/locations", "/v2/locations"]


# ---------------------------------------------------------------- stores

async def test_stores_match_the_world_in_one_call(pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    stores = await pos.stores()

    assert sorted(stores, key=lambda s: s.code) == sorted((as_store(s) for s in world.stores), key=lambda s: s.code)
    assert any(not s.active for s in stores) or all(s.active for s in world.stores)
    assert routes(sim) == {LOCATIONS: 1}


def test_services_are_read_from_the_description_line_and_unknown_names_dropped() -> None:
    text = "Flagship store.\nServices: CLICK_AND_COLLECT, returns, TEA_ROOM"

    assert services(text) == frozenset({"CLICK_AND_COLLECT", "RETURNS"})
    assert services(None) == frozenset() and services("Services: ") == frozenset()


# ---------------------------------------------------------------- prices

async def test_prices_of_300_gtins_take_two_searches_and_match_the_world(pos: PosAdapter, sim: PosSimulator,
                                                                         world: World) -> None:
    wanted = world.products[:299]
    keys = [p.gtin for p in wanted] + [UNKNOWN_GTIN, wanted[0].gtin]

    prices = await pos.prices(keys)

    expected = [None if p.delisted else ShownPrice(System.POS, Money.from_cents(p.pos_price)) for p in wanted]
    assert prices == [*expected, None, expected[0]]
    assert any(p.delisted for p in wanted)
    assert routes(sim) == {CATALOG_SEARCH: math.ceil(300 / 250)}


async def test_prices_are_read_live_every_time(pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    gtin = world.products[3].gtin

    first, second = await pos.prices([gtin]), await pos.prices([gtin])

    assert first == second and routes(sim) == {CATALOG_SEARCH: 2}


async def test_appointments_at_no_named_store_lists_every_store_in_one_call_per_window(
        pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    start = min(b.start_at for b in world.bookings)
    end = start + timedelta(days=20)
    found = await pos.appointments_at([], start, end)
    assert {a.id for a in found} == {b.id for b in world.bookings if start <= b.start_at < end}
    assert routes(sim) == {BOOKINGS: 1, CATALOG_RETRIEVE: 1, CUSTOMER_RETRIEVE: 1}  # + service names and cards


# ---------------------------------------------------------------- stock

async def test_stock_matches_the_world_including_reserved_and_not_carried(pos: PosAdapter, sim: PosSimulator,
                                                                         world: World) -> None:
    products, stores = world.products[:40], world.stores[:6]
    pairs = [(p.gtin, s.code) for p in products for s in stores] + [(UNKNOWN_GTIN, stores[0].code),
                                                                     (products[0].gtin, "NOWHERE")]

    levels = await pos.stock(pairs)

    expected = [as_stock(world, p, s) for p in products for s in stores]
    assert [as_level(level) for level in levels] == [*expected, None, None]
    assert any(e is None for e in expected) and any(e is not None and e[1] > 0 for e in expected)
    assert all(level.item == gtin and level.store_code == code
               for level, (gtin, code) in zip(levels, pairs, strict=True) if level is not None)
    assert routes(sim) == {CATALOG_SEARCH: 1, COUNTS: 1}


async def test_stock_reuses_learnt_variation_ids(pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    pairs = [(p.gtin, world.stores[0].code) for p in world.products[:10]]

    first = await pos.stock(pairs)
    second = await pos.stock(pairs)

    assert first == second
    assert routes(sim) == {CATALOG_SEARCH: 1, COUNTS: 2}


async def test_stock_of_1200_articles_chunks_ids_by_1000_and_follows_cursors(
        big_world: World, session: aiohttp.ClientSession) -> None:
    listed = [p for p in big_world.products if not p.delisted][:1200]
    stores = big_world.stores[:5]
    pairs = [(p.gtin, stores[i % len(stores)].code) for i, p in enumerate(listed)]
    simulator = PosSimulator(big_world, clock=lambda: big_world.now)
    pos = PosAdapter.connect(session, await simulator.start(), DEMO_CREDENTIALS.pos_token, timeout_s=5.0)
    try:
        levels = await pos.stock(pairs)
        calls = routes(simulator)
    finally:
        await simulator.stop()

    def counts_in(chunk: list[DemoProduct]) -> int:
        figures = [big_world.store_stock(s, p) for p in chunk for s in stores]
        return sum(1 + (f.reserved > 0) for f in figures if f is not None)

    pages = sum(max(1, math.ceil(counts_in(listed[k:k + 1000]) / 1000)) for k in range(0, 1200, 1000))
    assert pages > 2
    assert calls == {CATALOG_SEARCH: math.ceil(1200 / 250), COUNTS: pages}
    assert [as_level(level) for level in levels] == [
        as_stock(big_world, p, stores[i % len(stores)]) for i, p in enumerate(listed)]


async def test_indexing_reads_every_live_variation_in_pages_of_1000_then_stock_is_only_counts(
        big_world: World, session: aiohttp.ClientSession) -> None:
    listed = [p for p in big_world.products if not p.delisted]
    store = big_world.stores[0]
    simulator = PosSimulator(big_world, clock=lambda: big_world.now)
    pos = PosAdapter.connect(session, await simulator.start(), DEMO_CREDENTIALS.pos_token, timeout_s=5.0)
    try:
        # given the whole catalog indexed (every live variation, services too, 1,000 a page)
        indexed = await pos.index_articles()
        variations = [o for o in simulator.catalog.ordered if o["type"] == "ITEM_VARIATION" and not o["is_deleted"]]
        assert len(variations) > 1000
        assert routes(simulator) == {CATALOG_SEARCH: math.ceil(len(variations) / 1000)}
        simulator.control.reset_stats()
        # when stock is read for indexed articles, then for one the index does not hold
        levels = await pos.stock([(p.gtin, store.code) for p in listed[:20]])
        indexed_calls = routes(simulator)
        assert await pos.stock([(UNKNOWN_GTIN, store.code)]) == [None]
        fallback_calls = routes(simulator)
    finally:
        await simulator.stop()
    # then it holds exactly the live articles' GTINs, the first read is only counts, and an article it does not
    # know is still searched for (it may have been added since)
    assert indexed == {p.gtin for p in listed}
    assert indexed_calls == {COUNTS: 1}
    assert fallback_calls == {COUNTS: 1, CATALOG_SEARCH: 1}
    assert [as_level(level) for level in levels] == [as_stock(big_world, p, store) for p in listed[:20]]


async def test_stock_in_store_lists_what_can_be_sold_now(pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    store = max(world.stores, key=lambda s: s.size)

    levels = await pos.stock_in_store(store.code)
    again = await pos.stock_in_store(store.code)

    sellable = {p.gtin: as_stock(world, p, store) for p in world.products}
    assert {level.item: as_level(level) for level in levels} == {
        gtin: figure for gtin, figure in sellable.items() if figure is not None and figure[0] > 0}
    assert again == levels and all(level.store_code == store.code for level in levels)
    assert routes(sim) == {COUNTS: 2, CATALOG_RETRIEVE: 1}


# ---------------------------------------------------------------- receipts

async def test_receipts_match_the_world_newest_first_aligned_with_the_cards(
        pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    holders = card_holders(world, 3) + card_holders(world, 1, with_delisted=True)
    cards = [str(c.card) for c in holders]

    found = await pos.receipts_of([cards[0], UNKNOWN_CARD, *cards, cards[0]])

    assert found[1] == () and found[0] == found[2] == found[-1]
    for customer, receipts in zip(holders, found[2:-1], strict=True):
        expected = list(reversed(world.history.receipts(customer)))
        assert [r.id for r in receipts] == [r.id for r in expected]
        for got, want in zip(receipts, expected, strict=True):
            assert_receipt(world, got, want.store_code, want.created, want.total)
            assert got.lines == tuple(as_line(world, line.product_index, line.quantity, line.unit_price)
                                      for line in want.lines)
    delisted = {p.gtin for p in world.products if p.delisted}
    assert any(line.gtin in delisted for r in found[-2] for line in r.lines)
    assert routes(sim) == {LOCATIONS: 1, CUSTOMER_SEARCH: 5, ORDER_SEARCH: math.ceil(len(world.stores) / 10),
                           CATALOG_RETRIEVE: 1}


def assert_receipt(world: World, got: Purchase, store_code: str, created: datetime, total: int) -> None:
    assert got.source is System.POS and got.channel == "STORE" and got.number == got.id
    assert got.store_code == store_code and got.total == Money.from_cents(total)
    assert timedelta(0) <= got.occurred_at - created <= timedelta(minutes=10)


async def test_receipts_of_many_cards_search_orders_by_10_customers_and_10_stores(
        pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    holders = card_holders(world, 23)

    found = await pos.receipts_of([str(c.card) for c in holders])

    assert [len(r) for r in found] == [len(world.history.receipts(c)) for c in holders]
    assert routes(sim)[ORDER_SEARCH] == math.ceil(23 / 10) * math.ceil(len(world.stores) / 10)
    assert routes(sim)[CUSTOMER_SEARCH] == 23


async def test_locations_are_read_once_for_many_receipt_reads(pos: PosAdapter, sim: PosSimulator,
                                                              world: World) -> None:
    card = str(card_holders(world, 1)[0].card)

    await pos.receipts_of([card])
    await pos.receipts_of([card])

    assert routes(sim)[LOCATIONS] == 1


async def test_the_adapter_only_reads_stock_and_never_moves_it(pos: PosAdapter, sim: PosSimulator,
                                                              world: World) -> None:
    """Square refuses moves into RESERVED_FOR_SALE: Omnigate keeps its holds itself, the POS only counts."""
    gtins, codes = [p.gtin for p in world.products[:5]], [s.code for s in world.stores[:3]]
    card = str(card_holders(world, 1)[0].card)
    booking = world.bookings[0]

    await pos.stock([(g, c) for g in gtins for c in codes])
    await pos.stock_in_store(codes[0])
    await pos.receipts_of([card])
    await pos.appointments_of([card])
    await pos.appointments([booking.id])

    assert routes(sim) and not [route for route in routes(sim) if "/inventory/changes" in route]


# ---------------------------------------------------------------- appointments

async def test_appointments_at_stores_match_the_world_in_31_day_windows(
        pos: PosAdapter, sim: PosSimulator, world: World) -> None:
    start, end = world.now - timedelta(days=15), world.now + timedelta(days=45)
    codes = [s.code for s in world.stores]

    found = await pos.appointments_at(codes, start, end)

    expected = sorted((b for b in world.bookings if start <= b.start_at < end), key=lambda b: (b.start_at, b.id))
    assert found == [as_appointment(world, b) for b in expected] and expected
    assert {a.customer_card for a in found} - {None} and None in {a.customer_card for a in found}
    assert routes(sim) == {BOOKINGS: len(codes) * len(windows(start, end)), CATALOG_RETRIEVE: 1, CUSTOMER_RETRIEVE: 1}


async def test_appointments_at_keep_start_leave_out_end_and_read_naive_times_as_utc(pos: PosAdapter,
                                                                                     world: World) -> None:
    ordered = sorted(world.bookings, key=lambda b: (b.start_at, b.id))
    start, end = ordered[1].start_at, ordered[-2].start_at
    codes = list(dict.fromkeys(b.store_code for b in ordered))

    found = await pos.appointments_at(codes, start, end)
    naive = await pos.appointments_at(codes, start.replace(tzinfo=None), end.replace(tzinfo=None))

    assert {a.id for a in found} == {b.id for b in ordered if start <= b.start_at < end}
    assert naive == found


async def test_appointments_of_cards_match_the_world_soonest_first(pos: PosAdapter, sim: PosSimulator,
                                                                  world: World) -> None:
    cards = list(dict.fromkeys(c for b in world.bookings if (c := booking_card(world, b))))[:8]

    found = await pos.appointments_of([*cards, UNKNOWN_CARD])

    for card, appointments in zip(cards, found, strict=False):
        mine = [b for b in world.bookings if booking_card(world, b) == card]
        assert appointments == tuple(as_appointment(world, b) for b in sorted(mine, key=lambda b: (b.start_at, b.id)))
    assert found[-1] == ()
    spans = windows(world.now - timedelta(days=31), world.now + timedelta(days=62))
    assert len(spans) == 3
    assert routes(sim) == {CUSTOMER_SEARCH: len(cards) + 1, BOOKINGS: len(cards) * len(spans), CATALOG_RETRIEVE: 1}


async def test_appointments_by_id_carry_their_customers_cards_read_in_one_call(pos: PosAdapter, sim: PosSimulator,
                                                                                world: World) -> None:
    chosen = world.bookings[:12]

    found = await pos.appointments([b.id for b in chosen] + ["BK-NONE", chosen[0].id])

    assert found == [*(as_appointment(world, b) for b in chosen), None, as_appointment(world, chosen[0])]
    assert routes(sim) == {"GET /pos/v2/bookings/{booking_id}": len(chosen) + 1, CATALOG_RETRIEVE: 1,
                           CUSTOMER_RETRIEVE: 1}


async def test_cards_of_customers_take_one_bulk_retrieve_per_100_ids(pos: PosAdapter, sim: PosSimulator,
                                                                    world: World) -> None:
    holders = [c for c in world.customers if c.card][:230]
    ids = [str(c.pos_customer_id) for c in holders] + ["NOBODY"]

    found = await CardLookup(pos.api).cards_of([*ids, ids[0]])

    assert found == {str(c.pos_customer_id): c.card for c in holders}
    assert routes(sim) == {CUSTOMER_RETRIEVE: 3}
    assert await CardLookup(pos.api).cards_of([]) == {} and routes(sim) == {CUSTOMER_RETRIEVE: 3}


@pytest.mark.parametrize("square, ours", sorted(STATUS.items()))
async def test_booking_statuses_map_to_appointment_statuses(pos: PosAdapter, sim: PosSimulator, world: World,
                                                            square: str, ours: str) -> None:
    booking = world.bookings[0]
    sim.set_booking_status(booking.id, square)

    found = await pos.appointments_at([booking.store_code], booking.start_at, booking.start_at + timedelta(hours=1))

    assert [(a.id, a.status) for a in found if a.id == booking.id] == [(booking.id, ours)]


def test_windows_cover_the_range_in_spans_of_at_most_31_days() -> None:
    start = datetime(2026, 1, 1)

    spans = windows(start, start + timedelta(days=70))

    assert [high - low for low, high in spans] == [MAX_WINDOW, MAX_WINDOW, timedelta(days=8)]
    assert spans[0][0] == start and all(a[1] == b[0] for a, b in pairwise(spans))
    assert windows(start, start) == [(start, start)] and windows(start, start - timedelta(days=1)) == []
