"""Purchases, notes and wishlists, generated on demand from (seed, customer).

Three years of history for tens of thousands of customers is too much to build
up front; each customer's is a pure function of the seed and their index, so
any simulator can produce it when asked, in any order, identically.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .categories import CATEGORIES
from .rand import PURPOSE_ANON, PURPOSE_NOTES, PURPOSE_RECEIPTS, PURPOSE_WEB_ORDERS, PURPOSE_WISHLIST, rng
from .records import DemoCustomer, DemoProduct, DemoStore, Line, Note, Receipt, WebOrder, WishItem
from .vocabulary import NOTE_TEXTS, NOTE_TOPICS

HISTORY_DAYS = 3 * 365
MAX_PER_CUSTOMER = 64  # ids leave room for this many orders or receipts per customer
WEB_ORDER_BASE = 100_000
DELIVERY_FEE = 490
ANON_BASE = 1 << 40
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
INTEREST_CATEGORIES = {
    "running": ("RUN", "SOX"), "cycling": ("BIK", "HLM", "LCK"), "photography": ("CAM", "MEM", "BAG"),
    "hiking": ("TNT", "SLP", "RUN"), "camping": ("TNT", "SLP"), "coffee": ("COF", "CAP"),
    "diy": ("DRL", "BAT"), "music": ("HPH",), "gaming": ("LAP", "HPH"), "travel": ("BAG", "LBG", "CHG"),
    "fitness": ("RUN", "SOX", "HPH"), "tech": ("PHN", "CAS", "CHG", "LAP"),
}


def base32(n: int, width: int = 10) -> str:
    digits = []
    while n:
        n, rest = divmod(n, 32)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(width, "0")


def unbase32(text: str) -> int | None:
    try:
        return int(text.translate(str.maketrans(_ALPHABET, "0123456789abcdefghijklmnopqrstuv")), 32)
    except ValueError:
        return None


def receipt_id(n: int) -> str:
    return "R" + base32(n)


class History:
    """Per-customer purchase history and CRM notes over one world's catalog and stores."""

    def __init__(self, seed: int, as_of: date, products: tuple[DemoProduct, ...], stores: tuple[DemoStore, ...]):
        self.seed = seed
        self.end = datetime.combine(as_of, time(), UTC)
        self.products = products
        self.stores = stores
        self.store_by_code = {s.code: s for s in stores}
        self.online = [p.index for p in products if p.webshop_id is not None]
        self.in_store = [p.index for p in products if not p.delisted]
        self.delisted = [p.index for p in products if p.delisted]
        self.by_category: dict[str, list[int]] = {c.code: [] for c in CATEGORIES}
        for p in products:
            if not p.delisted:
                self.by_category[p.category].append(p.index)
        self.pickup_stores = [s.code for s in stores if s.active and "CLICK_AND_COLLECT" in s.services]

    def web_orders(self, c: DemoCustomer) -> tuple[WebOrder, ...]:
        """Oldest first; ids grow with time within one customer."""
        if c.webshop_id is None:
            return ()
        r = rng(self.seed, PURPOSE_WEB_ORDERS, c.index)
        times = sorted(self._instant(r) for _ in range(min(MAX_PER_CUSTOMER, int(r.expovariate(1 / 5)))))
        return tuple(self._web_order(r, c, k, at) for k, at in enumerate(times))

    def receipts(self, c: DemoCustomer) -> tuple[Receipt, ...]:
        """Till receipts recorded with the customer's loyalty card, oldest first."""
        if c.card is None:
            return ()
        r = rng(self.seed, PURPOSE_RECEIPTS, c.index)
        count = min(MAX_PER_CUSTOMER, int(r.expovariate(1 / 7)))
        home = c.favourite_store or r.choice(self.stores).code
        visits = sorted((self._instant(r), home if r.random() < 0.8 else r.choice(self.stores).code)
                        for _ in range(count))
        return tuple(self._receipt(r, c.index * MAX_PER_CUSTOMER + k, code, at, c)
                     for k, (at, code) in enumerate(visits))

    def anonymous_receipts(self, store: DemoStore) -> tuple[Receipt, ...]:
        """Sales without a loyalty card at one store, oldest first."""
        r = rng(self.seed, PURPOSE_ANON, store.index)
        times = sorted(self._instant(r) for _ in range(r.randint(20, 60)))
        return tuple(self._receipt(r, ANON_BASE + store.index * 4096 + k, store.code, at, None)
                     for k, at in enumerate(times))

    def notes(self, c: DemoCustomer) -> tuple[Note, ...]:
        """Staff and customer-service notes, newest first."""
        r = rng(self.seed, PURPOSE_NOTES, c.index)
        if r.random() > 0.12:
            return ()
        notes = []
        for k in range(r.randint(1, 4)):
            in_store = r.random() < 0.7 and c.favourite_store is not None
            notes.append(Note(
                id=f"00TOG{c.index:08d}{k:02d}AAA", customer_index=c.index, text=r.choice(NOTE_TEXTS),
                topics=tuple(sorted(r.sample(NOTE_TOPICS, r.randint(1, 2)))),
                store_code=c.favourite_store if in_store else None,
                channel=r.choice(("Store", "Kiosk")) if in_store else "Call_Center",
                created=self._instant(r)))
        return tuple(sorted(notes, key=lambda n: n.created, reverse=True))

    def wishlist(self, c: DemoCustomer) -> tuple[WishItem, ...]:
        r = rng(self.seed, PURPOSE_WISHLIST, c.index)
        if c.webshop_id is None or r.random() > 0.3 or not self.online:
            return ()
        picks = r.sample(self.online, min(len(self.online), r.randint(1, 8)))
        return tuple(sorted((WishItem(p, self._instant(r, days=180)) for p in picks), key=lambda w: w.added))

    def _instant(self, r: random.Random, days: int = HISTORY_DAYS) -> datetime:
        return self.end - timedelta(seconds=r.randint(3600, days * 86400))

    def _lines(self, r: random.Random, pool: list[int], c: DemoCustomer | None) -> tuple[Line, ...]:
        liked = [p for i in (c.interests if c else ()) for cat in INTEREST_CATEGORIES[i] for p in self.by_category[cat]]
        lines = {}
        for _ in range(r.choice((1, 1, 1, 2, 2, 3, 4))):
            index = r.choice(liked) if liked and r.random() < 0.6 else r.choice(pool)
            lines[index] = Line(index, r.choice((1, 1, 1, 2)), self.products[index].list_price)
        return tuple(lines.values())

    def _web_order(self, r: random.Random, c: DemoCustomer, k: int, at: datetime) -> WebOrder:
        lines = self._lines(r, self.online, c)
        age = self.end - at
        status = ("processing" if age < timedelta(days=3) else
                  r.choices(("completed", "cancelled", "refunded"), weights=(90, 5, 5))[0])
        pickup = (c.favourite_store if c.favourite_store in self.pickup_stores else r.choice(self.pickup_stores)) \
            if self.pickup_stores and r.random() < 0.35 else None
        subtotal = sum(line.quantity * line.unit_price for line in lines)
        shipping = 0 if pickup or subtotal >= 5000 else DELIVERY_FEE
        return WebOrder(WEB_ORDER_BASE + c.index * MAX_PER_CUSTOMER + k, c.index, at, status, lines, pickup,
                        shipping, subtotal + shipping)

    def _receipt(self, r: random.Random, n: int, code: str, at: datetime, c: DemoCustomer | None) -> Receipt:
        lines = self._lines(r, self.in_store, c)
        if self.delisted and r.random() < 0.02:
            gone = r.choice(self.delisted)
            lines += (Line(gone, 1, self.products[gone].list_price),)
        at = _during_opening(self.store_by_code[code], at)
        return Receipt(receipt_id(n), code, c.index if c else None, at, lines,
                       sum(line.quantity * line.unit_price for line in lines))


def _during_opening(store: DemoStore, at: datetime) -> datetime:
    """Moves a sale into the store's opening hours on that local day, or the day before."""
    zone = ZoneInfo(store.timezone)
    local = at.astimezone(zone)
    for back in range(7):
        day = local.date() - timedelta(days=back)
        period = next((p for p in store.hours if p.weekday == day.weekday()), None)
        if period:
            opens, closes = time.fromisoformat(period.opens), time.fromisoformat(period.closes)
            span = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
            minute = (local.minute + local.hour * 60) % max(span, 1)
            start = datetime.combine(day, opens, zone) + timedelta(minutes=minute, seconds=local.second)
            return start.astimezone(UTC)
    return at
