"""The demo world: deterministic for a seed, of the promised size, with its deliberate flaws."""

import hashlib
import math
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from simulators.world import APPOINTMENT_SERVICES, CATEGORIES, Scale, World, build_world
from simulators.world.bookings import RESPOND_WITHIN
from simulators.world.catalog import DELISTED_SHARE, PRICE_DRIFT_SHARE, SKU_DRIFT_SHARE
from simulators.world.communes import Commune, communes
from simulators.world.stores import City, french_cities

AS_OF = date(2026, 11, 20)
# (département, phone zone) of cities everyone knows, independent of communes.csv
KNOWN = {"Paris": ("75", "1"), "Lyon": ("69", "4"), "Marseille": ("13", "4"), "Toulouse": ("31", "5"),
         "Nice": ("06", "4"), "Bordeaux": ("33", "5"), "Lille": ("59", "3"), "Montpellier": ("34", "4"),
         "Rennes": ("35", "2"), "Strasbourg": ("67", "3")}
# product lines everyone knows, and whose they are, independent of categories.py
KNOWN_LINES = {"iPhone": "Apple", "MacBook": "Apple", "AirPods": "Apple", "Galaxy": "Samsung", "Pixel": "Google",
               "Redmi": "Xiaomi", "Fairphone": "Fairphone", "ThinkPad": "Lenovo", "EOS": "Canon", "Lumix": "Panasonic",
               "WH-1000XM": "Sony"}


def digest(world: World, sample: int = 300) -> str:
    """Everything built up front plus the on-demand history of a sample of customers."""
    h = hashlib.sha256()
    for part in (world.stores, world.products, world.customers, world.bookings):
        h.update(repr(part).encode())
    for c in world.customers[:sample]:
        for generated in (world.history.web_orders(c), world.history.receipts(c), world.history.notes(c),
                          world.history.wishlist(c)):
            h.update(repr(generated).encode())
    for s in world.stores[:20]:
        h.update(repr(world.history.anonymous_receipts(s)).encode())
        h.update(repr([world.store_stock(s, p) for p in world.products[:200]]).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def default_world() -> World:
    return build_world(seed=42, scale=Scale.DEFAULT, as_of=AS_OF)


def test_same_seed_builds_the_same_world_byte_for_byte() -> None:
    assert digest(build_world(7, Scale.SMALL, AS_OF)) == digest(build_world(7, Scale.SMALL, AS_OF))


def test_another_seed_builds_another_world() -> None:
    assert digest(build_world(7, Scale.SMALL, AS_OF)) != digest(build_world(8, Scale.SMALL, AS_OF))


def test_default_scale_has_the_promised_size(default_world: World) -> None:
    assert len(default_world.stores) >= 250
    assert len(default_world.products) >= 5000
    assert len({p.category for p in default_world.products}) >= 12
    assert len(default_world.customers) >= 20000


@pytest.fixture(scope="module")
def places() -> dict[str, tuple[City, Commune]]:
    """Each commune a store may stand in, by its official name, with the geonames city it was joined to."""
    return {commune.name: (city, commune) for city, commune in french_cities()}


def test_stores_stand_in_real_french_communes(default_world: World, places: dict[str, tuple[City, Commune]]) -> None:
    for store in default_world.stores:
        city, _ = places[store.city]
        assert _km(store.latitude, store.longitude, city["latitude"], city["longitude"]) < 5
        assert store.timezone == "Europe/Paris"
        assert store.phone.startswith("+33 ")
    assert {"Dunkerque", "Cherbourg-en-Cotentin"} <= set(places)  # official names, not geonames' "Dunkirk"


def test_every_stores_postcode_lies_in_its_communes_departement(
        default_world: World, places: dict[str, tuple[City, Commune]]) -> None:
    for store in default_world.stores:
        department = places[store.city][1].department
        assert store.postal_code.isdigit() and len(store.postal_code) == 5
        assert store.postal_code[:2] == ("20" if department in ("2A", "2B") else department), store
    for store in (s for s in default_world.stores if s.city in KNOWN):
        department, zone = KNOWN[store.city]
        assert (store.postal_code[:2], store.phone[4]) == (department, zone), store
    paris = {s.postal_code for s in default_world.stores if s.city == "Paris"}
    assert len(paris) > 3 and all("75001" <= code <= "75020" or code == "75116" for code in paris)


def test_communes_are_joined_to_the_geonames_city_at_the_same_place() -> None:
    cities = {int(city["geonameid"]): city for city, _ in french_cities()}
    assert len(cities) == len(communes()) > 500
    for geonameid, commune in communes().items():
        city = cities[geonameid]
        for area in commune.areas:
            assert _km(area.latitude, area.longitude, city["latitude"], city["longitude"]) < 20, commune
    sections = {"Gare", "Lyon 03", "Paris 15 Vaugirard", "Marne La Vallée"}  # quartiers, arrondissements, new towns
    assert not sections & {city["name"] for city in cities.values()}


def test_opening_hours_close_on_sunday_and_open_late_somewhere(default_world: World) -> None:
    sunday_closed = [s for s in default_world.stores if all(p.weekday != 6 for p in s.hours)]
    late = [s for s in default_world.stores if any(p.closes >= "21:00" for p in s.hours)]
    assert len(sunday_closed) > 0.8 * len(default_world.stores)
    assert late


def test_product_names_pair_a_brand_with_its_own_lines_only(default_world: World) -> None:
    own = {(c.code, brand): [re.compile(rf"({re.escape(brand)} )?{re.escape(line).replace(re.escape('#'), r'[0-9]+')} ")
                              for line in lines] for c in CATEGORIES for brand, lines in c.lines}
    named = {c.code: c.named for c in CATEGORIES}
    for p in default_world.products:
        assert p.name.startswith(p.brand) and any(line.match(p.name) for line in own[p.category, p.brand]), p.name
        assert p.name.endswith(" ".join(value for attr, value in p.attributes if attr in named[p.category])), p.name
        if p.category in ("PHN", "LAP", "CAM", "HPH"):  # accessories name the phone they fit: "Coque pour iPhone 12"
            assert all(brand == p.brand for line, brand in KNOWN_LINES.items() if line in p.name), p.name
    assert "Samsung Fairphone" not in {" ".join(p.name.split()[:2]) for p in default_world.products}
    assert len({p.name for p in default_world.products}) > 0.99 * len(default_world.products)  # shops tell apart


def test_gtins_carry_a_valid_check_digit(default_world: World) -> None:
    for p in default_world.products:
        digits = [int(d) for d in p.gtin]
        assert len(digits) == 13
        assert (sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) + digits[12]) % 10 == 0


def test_accessories_go_with_their_product(default_world: World) -> None:
    by_sku = default_world.product_by_sku
    goes_with = {c.code: {target for target, _ in c.goes_with} for c in CATEGORIES}
    camera = next(p for p in default_world.products if p.category == "CAM")
    bike = next(p for p in default_world.products if p.category == "BIK")
    assert {by_sku[r.sku].category for r in camera.relations} == {"MEM", "BAG"}
    assert {by_sku[r.sku].category for r in bike.relations} == {"HLM", "LCK"}
    for p in default_world.products:
        assert {by_sku[r.sku].category for r in p.relations} <= goes_with[p.category]


def test_deliberate_inconsistencies_come_in_the_stated_numbers(default_world: World) -> None:
    products = default_world.products
    listed = [p for p in products if not p.delisted]
    online = [p for p in listed if p.webshop_id is not None]
    current = {p.sku: next((x.price for x in p.promotions if x.starts <= AS_OF <= x.ends), p.list_price)
               for p in products}
    assert sum(p.pos_price != current[p.sku] for p in listed) == round(PRICE_DRIFT_SHARE * len(listed))
    assert sum(p.webshop_price != current[p.sku] for p in listed) == round(PRICE_DRIFT_SHARE * len(listed))
    drifted = [p for p in online if p.webshop_sku != p.sku]
    assert len(drifted) == round(SKU_DRIFT_SHARE * len(online))
    assert all("".join(p.webshop_sku.split()).upper() == p.sku for p in drifted)
    assert sum(p.delisted for p in products) == round(DELISTED_SHARE * len(products))


def test_a_few_receipts_reference_delisted_articles(default_world: World) -> None:
    delisted = {p.index for p in default_world.products if p.delisted}
    receipts = [r for c in default_world.customers[:3000] for r in default_world.history.receipts(c)]
    flawed = [r for r in receipts if any(line.product_index in delisted for line in r.lines)]
    assert 0 < len(flawed) < 0.05 * len(receipts)


def test_customers_have_cards_web_accounts_and_three_years_of_history(default_world: World) -> None:
    customers = default_world.customers
    assert len({c.card for c in customers if c.card}) == sum(1 for c in customers if c.card)
    assert 0.6 < sum(1 for c in customers if c.card) / len(customers) < 0.85
    orders = [o for c in customers[:2000] for o in default_world.history.web_orders(c)]
    assert {o.pickup_store is None for o in orders} == {True, False}  # home delivery and click & collect
    oldest = min(o.created for o in orders).date()
    assert (AS_OF - oldest).days > 2.5 * 365


def test_some_stores_do_not_carry_everything(default_world: World) -> None:
    store = default_world.stores[-1]
    figures = [default_world.store_stock(store, p) for p in default_world.products]
    carried = [f for f in figures if f is not None]
    assert 0 < len(carried) < len(figures)
    assert any(f.reserved > 0 for f in carried)


def test_appointments_are_requested_for_after_the_answer_is_due_in_opening_hours(default_world: World) -> None:
    stores = default_world.store_by_code
    for b in default_world.bookings:
        store = stores[b.store_code]
        assert store.active and "APPOINTMENTS" in store.services
        assert b.start_at > b.created_at + RESPOND_WITHIN, b  # respondBy comes before requestedFor
        start, end = _local(b.start_at), _local(b.start_at + timedelta(minutes=APPOINTMENT_SERVICES[b.service][1]))
        assert (start.date() - _local(b.created_at).date()).days >= 3
        assert any(p.weekday == start.weekday() and p.opens <= f"{start:%H:%M}" and f"{end:%H:%M}" <= p.closes
                   for p in store.hours), b


def test_some_appointment_requests_wait_past_their_deadline_and_some_customers_book_in_two_stores(
        default_world: World) -> None:
    now = default_world.now
    pending = [b for b in default_world.bookings if b.status == "PENDING"]
    overdue = [b for b in pending if b.created_at + RESPOND_WITHIN < now]
    assert 0 < len(overdue) < len(pending) < 0.5 * len(default_world.bookings)
    stores_of: dict[int | None, set[str]] = {}
    for b in default_world.bookings:
        stores_of.setdefault(b.customer_index, set()).add(b.store_code)
    assert any(len(codes) > 1 for codes in stores_of.values())


def _local(at: datetime) -> datetime:
    return at.astimezone(ZoneInfo("Europe/Paris"))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))
