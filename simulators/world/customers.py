"""CRM customers: profile, loyalty card and tier, consents, favourite store, web shop account."""

import unicodedata
from datetime import UTC, date, datetime, timedelta

from .rand import PURPOSE_CUSTOMER, mix, rng, weighted
from .records import DemoCustomer, DemoStore
from .vocabulary import FIRST_NAMES, INTERESTS, LAST_NAMES, STREETS

CARD_SHARE = 0.72
WEBSHOP_SHARE = 0.62
CHANNELS = ("Email", "SMS", "Phone", "Post", "None")


def crm_id(prefix: str, index: int) -> str:
    """An 18-character Salesforce-style id: key prefix, our pod letters, the number, a suffix."""
    return f"{prefix}OG{index:010d}AAA"


def card_number(index: int) -> str:
    """Unique for every index: 7919 is coprime with 10**8."""
    return f"LC{(index * 7919 + 10007) % 10**8:08d}"


def tier_for(points: int) -> str:
    for limit, tier in ((500, "Bronze"), (2000, "Silver"), (6000, "Gold")):
        if points < limit:
            return tier
    return "Platinum"


def ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def build_customers(seed: int, count: int, stores: tuple[DemoStore, ...], as_of: date) -> tuple[DemoCustomer, ...]:
    cities: dict[str, list[DemoStore]] = {}
    for store in stores:
        cities.setdefault(store.city, []).append(store)
    names = list(cities)
    weights = [len(cities[c]) for c in names]
    webshop_order = sorted(range(count), key=lambda i: mix(seed, PURPOSE_CUSTOMER, i, 1))
    webshop_ids = {c: 4000 + n for n, c in enumerate(webshop_order)}
    return tuple(_customer(seed, i, cities, names, weights, webshop_ids[i], as_of) for i in range(count))


def _customer(seed: int, index: int, cities: dict[str, list[DemoStore]], names: list[str], weights: list[int],
              webshop_id: int, as_of: date) -> DemoCustomer:
    r = rng(seed, PURPOSE_CUSTOMER, index)
    first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
    city = weighted(r, names, weights)
    home = cities[city][0]
    has_card = r.random() < CARD_SHARE
    points = int(r.paretovariate(1.3) * 150) if has_card else 0
    midnight = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    return DemoCustomer(
        index=index, crm_id=crm_id("003", index), first_name=first, last_name=last,
        email=f"{ascii_lower(first)}.{ascii_lower(last)}.{index}@example.fr",
        phone=f"+33 {home.phone[4]} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}",
        mobile=f"+33 6 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}",
        birthdate=date(1950, 1, 1) + timedelta(days=r.randint(0, 365 * 55)),
        street=f"{r.randint(1, 220)} {r.choice(STREETS)}", city=city, postal_code=home.postal_code, country="FR",
        card=card_number(index) if has_card else None,
        tier=tier_for(points) if has_card else None, points=points,
        member_since=as_of - timedelta(days=r.randint(30, 3000)) if has_card else None,
        email_consent=r.random() < 0.55, sms_consent=r.random() < 0.3,
        consent_updated=midnight - timedelta(minutes=r.randint(60, 60 * 24 * 900)),
        preferred_channel=weighted(r, CHANNELS, (5, 3, 1, 1, 1)),
        interests=tuple(sorted(r.sample(INTERESTS, r.choice((0, 1, 1, 2, 2, 3))))),
        favourite_store=r.choice(cities[city]).code if r.random() < 0.85 else None,
        webshop_id=webshop_id if r.random() < WEBSHOP_SHARE else None,
        pos_customer_id=f"SQC{index:08d}" if has_card else None,
        last_modified=midnight - timedelta(minutes=r.randint(60, 60 * 24 * 365)),
    )
