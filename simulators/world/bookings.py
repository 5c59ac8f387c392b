"""Appointment requests around the as-of date, as a store's booking page receives them.

A store has RESPOND_WITHIN to answer a request, so nobody asks for a slot before the answer is
due: a request is for a day at least REQUEST_LEAD_DAYS ahead, in the store's opening hours with
time to finish the service. Most customers book at their favourite store, some elsewhere too.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .rand import PURPOSE_BOOKINGS, rng, unit
from .records import Booking, DemoCustomer, DemoStore
from .vocabulary import APPOINTMENT_SERVICES

RESPOND_WITHIN = timedelta(hours=48)  # the answer deadline the gateway shows as respondBy
REQUEST_LEAD_DAYS = 6  # calendar days from the request to the appointment, at least: past 24 opening hours
BOOKER_SHARE = 0.02  # customers with appointment requests in the last ten days
AWAY_SHARE = 0.3  # requests at another store than the customer's favourite
OVERDUE_SHARE = 0.15  # requests past their deadline still unanswered
ANSWERS = (("ACCEPTED", 70), ("DECLINED", 15), ("CANCELLED_BY_CUSTOMER", 15))


def build_bookings(seed: int, stores: tuple[DemoStore, ...], customers: tuple[DemoCustomer, ...],
                   as_of: date) -> tuple[Booking, ...]:
    """Requests of the last ten days at the open stores that take appointments, some unanswered past due."""
    taking = [s for s in stores if s.active and "APPOINTMENTS" in s.services]
    by_code = {s.code: s for s in taking}
    if not taking:
        return ()
    now = datetime.combine(as_of, time(12), UTC)
    bookings = []
    for c in customers:
        if unit(seed, PURPOSE_BOOKINGS, c.index) >= BOOKER_SHARE:
            continue
        r = rng(seed, PURPOSE_BOOKINGS, c.index, 1)
        for k in range(r.choice((1, 1, 1, 2, 2, 3))):
            home = by_code.get(c.favourite_store or "") if r.random() >= AWAY_SHARE else None
            bookings.append(_booking(r, f"BK{c.index:06d}{k}", home or r.choice(taking), c, now))
    return tuple(bookings)


def _booking(r: random.Random, booking_id: str, store: DemoStore, customer: DemoCustomer, now: datetime) -> Booking:
    created = now - timedelta(minutes=r.randint(3 * 60, 10 * 24 * 60))  # answers come 2 h after: all in the past
    service = r.randrange(len(APPOINTMENT_SERVICES))
    day = created.astimezone(ZoneInfo(store.timezone)).date() + timedelta(days=REQUEST_LEAD_DAYS + r.randint(0, 18))
    return Booking(
        id=booking_id, store_code=store.code, customer_index=customer.index, service=service,
        team_member=f"TM{store.index:04d}{r.randint(1, 2)}",
        start_at=_slot(r, store, day, APPOINTMENT_SERVICES[service][1]), created_at=created,
        status=_status(r, now - created), note="")


def _slot(r: random.Random, store: DemoStore, day: date, minutes: int) -> datetime:
    """A half-hour start on the first day from `day` the store opens, the service over by closing time."""
    for ahead in range(7):
        when = day + timedelta(days=ahead)
        for period in (p for p in store.hours if p.weekday == when.weekday()):
            opens, last = _minute(period.opens), _minute(period.closes) - minutes
            if last >= opens:
                start = opens + 30 * r.randint(0, (last - opens) // 30)
                return datetime.combine(when, time(start // 60, start % 60), ZoneInfo(store.timezone)).astimezone(UTC)
    raise ValueError(f"store {store.code} has no opening long enough for a {minutes}-minute appointment")


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _status(r: random.Random, waiting: timedelta) -> str:
    """Unanswered while the store still has time, mostly; past the deadline, a few still are."""
    if r.random() < (0.6 if waiting < RESPOND_WITHIN else OVERDUE_SHARE):
        return "PENDING"
    return r.choices([s for s, _ in ANSWERS], weights=[w for _, w in ANSWERS])[0]
