"""Square payloads -> domain objects: the only place that knows Square's field names for values.

Pure functions over parsed JSON; missing optional fields degrade to None or
empty rather than failing the whole batch, because Square leaves out empty
fields and a seller can leave most of a location blank.
"""

from collections.abc import Iterable
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

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
from connectors.vocabulary import domain_value

from .catalog_index import Variation
from .square_client import Json, objects

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")  # index = domain weekday, 0 = Monday
# Square has no field for omnichannel services: the seller lists them in the location's description.
SERVICES_PREFIX = "Services:"
STORE_SERVICES = frozenset({"CLICK_AND_COLLECT", "RESERVE_AND_COLLECT", "SHIP_FROM_STORE", "RETURNS",
                            "APPOINTMENTS"})
IN_STOCK, RESERVED = "IN_STOCK", "RESERVED_FOR_SALE"
TILL_CHANNEL = Channel.STORE
# Square has no "done": a no-show is an appointment whose time is over, which is what DONE tells staff.
APPOINTMENT_STATUS = {"PENDING": AppointmentStatus.REQUESTED, "ACCEPTED": AppointmentStatus.CONFIRMED,
                      "DECLINED": AppointmentStatus.DECLINED, "CANCELLED_BY_CUSTOMER": AppointmentStatus.CANCELLED,
                      "CANCELLED_BY_SELLER": AppointmentStatus.CANCELLED, "NO_SHOW": AppointmentStatus.DONE}
# Who made the booking: staff in the seller's apps, the buyer on Square's booking site, a partner's app.
# API bookings (Omnigate's own) carry no channel, so they count as the store's, like a missing source.
BOOKING_CHANNEL = {"FIRST_PARTY_MERCHANT": Channel.STORE, "FIRST_PARTY_BUYER": Channel.WEB,
                   "THIRD_PARTY_BUYER": Channel.PARTNER, "API": TILL_CHANNEL}
# Square has no field for what a booking is about beyond its service: Omnigate writes the customer's own words
# and the article in the booking's customer note, one labelled line each, which staff read in Square's apps too.
NOTE_TOPIC, NOTE_ARTICLE = "Topic: ", "Article: "


def _text(data: Json, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _child(data: Json, key: str) -> Json:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def instant(value: object) -> datetime | None:
    """RFC 3339 as Square writes it ("2026-11-20T12:00:00.000Z")."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def money(value: object) -> Money | None:
    """Square money is minor units; Omnigate's estate trades in two-decimal currencies (EUR)."""
    if not isinstance(value, dict) or isinstance(value.get("amount"), bool) or not isinstance(value.get("amount"), int):
        return None
    return Money.from_cents(value["amount"], str(value.get("currency") or "EUR"))


def quantity(value: object) -> Decimal:
    """Inventory and line quantities are decimal strings ("5", "2.5"); unreadable counts as zero."""
    try:
        return Decimal(value) if isinstance(value, str) else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def shown_price(variation: Json) -> ShownPrice | None:
    """The variation's base price; VARIABLE_PRICING variations have none and so show no price."""
    amount = money(_child(variation, "item_variation_data").get("price_money"))
    return ShownPrice(System.POS, amount) if amount is not None else None


def services(description: str | None) -> frozenset[str]:
    """"Services: CLICK_AND_COLLECT, RETURNS" on a line of the description; unknown names are dropped."""
    for line in (description or "").splitlines():
        if line.strip().startswith(SERVICES_PREFIX):
            names = (n.strip().upper() for n in line.strip().removeprefix(SERVICES_PREFIX).split(","))
            return frozenset(n for n in names if n in STORE_SERVICES)
    return frozenset()


def opening_periods(location: Json) -> tuple[OpeningPeriod, ...]:
    found = []
    for period in objects(_child(location, "business_hours"), "periods"):
        day, opens, closes = period.get("day_of_week"), period.get("start_local_time"), period.get("end_local_time")
        if day in WEEKDAYS and isinstance(opens, str) and isinstance(closes, str):
            try:
                found.append(OpeningPeriod(WEEKDAYS.index(day), time.fromisoformat(opens), time.fromisoformat(closes)))
            except ValueError:
                continue
    return tuple(sorted(found, key=lambda p: (p.weekday, p.opens)))


def store(location: Json) -> Store:
    address, point = _child(location, "address"), _child(location, "coordinates")
    return Store(
        code=str(location["id"]), name=_text(location, "name") or str(location["id"]),
        address=Address(line1=_text(address, "address_line_1") or "", postal_code=_text(address, "postal_code") or "",
                        city=_text(address, "locality") or "", country_code=_text(address, "country") or "",
                        line2=_text(address, "address_line_2"),
                        region=_text(address, "administrative_district_level_1")),
        location=GeoPoint(float(point.get("latitude") or 0.0), float(point.get("longitude") or 0.0)),
        timezone=_text(location, "timezone") or "UTC", hours=opening_periods(location),
        services=services(_text(location, "description")), active=location.get("status") == "ACTIVE",
        phone=_text(location, "phone_number"))


def stock_level(gtin: str, store_code: str, counts: Iterable[Json]) -> StockLevel | None:
    """IN_STOCK is already the sellable part (reserved is not in it), so nothing is subtracted."""
    by_state: dict[str, Decimal] = {}
    times = []
    for count in counts:
        by_state[str(count.get("state"))] = quantity(count.get("quantity"))
        if (at := instant(count.get("calculated_at"))) is not None:
            times.append(at)
    if not by_state or not times:
        return None
    # Square allows negative counts after overselling; nothing negative can be sold or held.
    return StockLevel(item=gtin, store_code=store_code, sellable=max(0, int(by_state.get(IN_STOCK, 0))),
                      reserved=max(0, int(by_state.get(RESERVED, 0))), updated_at=max(times))


def purchase_line(line: Json, variation: Variation | None) -> PurchaseLine:
    count = int(quantity(line.get("quantity")))
    unit = money(line.get("base_price_money")) or Money(Decimal(0))
    total = money(line.get("total_money")) or Money(unit.amount * count, unit.currency)
    return PurchaseLine(sku=variation.sku if variation else None, gtin=variation.gtin if variation else None,
                        name=_text(line, "name") or (variation.title if variation else ""), quantity=count,
                        unit_price=unit, total=total)


def receipt(order: Json, variations: dict[str, Variation]) -> Purchase | None:
    """A COMPLETED order as a till receipt; None when it lacks the id or time every receipt has."""
    occurred_at = instant(order.get("closed_at")) or instant(order.get("created_at"))
    order_id = _text(order, "id")
    if occurred_at is None or order_id is None:
        return None
    lines = tuple(purchase_line(line, variations.get(str(line.get("catalog_object_id"))))
                  for line in objects(order, "line_items"))
    total = money(order.get("total_money")) or Money(sum((line.total.amount for line in lines), Decimal(0)))
    return Purchase(id=order_id, source=System.POS, channel=TILL_CHANNEL, occurred_at=occurred_at, total=total,
                    lines=lines, store_code=_text(order, "location_id"), number=order_id,
                    customer_id=_text(order, "customer_id"))


def booking_note(topic: str, sku: str | None) -> str:
    """The customer note Omnigate writes on a booking it makes (read back by `note_parts`)."""
    lines = [NOTE_TOPIC + " ".join(topic.split())]
    return "\n".join([*lines, NOTE_ARTICLE + sku] if sku else lines)


def note_parts(note: object) -> tuple[str | None, str | None]:
    """(topic, sku) from a note Omnigate wrote; a note written otherwise (a customer's own words) has neither."""
    topic = sku = None
    for line in (note if isinstance(note, str) else "").splitlines():
        if line.startswith(NOTE_TOPIC) and topic is None:
            topic = line.removeprefix(NOTE_TOPIC).strip() or None
        elif line.startswith(NOTE_ARTICLE) and sku is None:
            sku = line.removeprefix(NOTE_ARTICLE).strip() or None
    return topic, sku


def appointment(booking: Json, topic: str, card: str | None) -> Appointment | None:
    """A booking as an appointment; one without its id, store or times is left out. `topic` (the service's
    name) gives way to the topic Omnigate wrote in the note, which also names the article, if any.

    A status or source outside Square's documented ones raises `UpstreamMalformed` naming it.
    """
    start_at = instant(booking.get("start_at"))
    booking_id, store_code = _text(booking, "id"), _text(booking, "location_id")
    if start_at is None or booking_id is None or store_code is None:
        return None
    status = domain_value(System.POS, "booking status", APPOINTMENT_STATUS, booking.get("status"))
    source = booking.get("source")
    channel = TILL_CHANNEL if source is None else domain_value(System.POS, "booking source", BOOKING_CHANNEL, source)
    asked, sku = note_parts(booking.get("customer_note"))
    return Appointment(id=booking_id, store_code=store_code, topic=asked or topic, requested_for=start_at,
                       created_at=instant(booking.get("created_at")) or start_at, status=status,
                       channel=channel, customer_card=card, sku=sku)
