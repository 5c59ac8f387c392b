"""Opening hours in the store's own time zone: open now, next opening, pickup readiness."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from connectors.domain import Store

LOW_STOCK_AT = 3


def is_open(store: Store, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(store.timezone))
    return any(p.weekday == local.weekday() and p.opens <= local.time() < p.closes for p in store.hours)


def openings(store: Store, after: datetime, days: int = 8) -> list[tuple[datetime, datetime]]:
    """Opening periods (start, end) as aware datetimes, from the one containing `after` on, in order."""
    zone = ZoneInfo(store.timezone)
    today = after.astimezone(zone).date()
    periods = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        for p in sorted(store.hours, key=lambda p: p.opens):
            if p.weekday == day.weekday():
                start, end = datetime.combine(day, p.opens, zone), datetime.combine(day, p.closes, zone)
                if end > after:
                    periods.append((start, end))
    return periods


def after_open_time(store: Store, start: datetime, duration: timedelta) -> datetime | None:
    """The moment `duration` of the store's opening hours has passed since `start`: a deadline that runs
    only while the store is open, so a request made just before closing still gets a working day.
    None when the store has no opening hours to count."""
    weekly = sum((datetime.combine(start.date(), p.closes) - datetime.combine(start.date(), p.opens)
                  for p in store.hours), timedelta())
    if weekly <= timedelta():
        return None
    left = duration
    for begin, end in openings(store, start, days=7 * (duration // weekly + 2)):
        counted = end - max(begin, start)
        if left <= counted:
            return max(begin, start) + left
        left -= counted
    return None


def pickup_ready_at(store: Store, now: datetime, preparation: timedelta) -> datetime | None:
    """When an order placed `now` could be collected: preparation starts at once if the store is open,
    else when it next opens, and the goods are ready within opening hours; None when it never opens."""
    if not store.active:
        return None
    for start, end in openings(store, now):
        ready = max(start, now) + preparation
        if ready <= end:
            return ready
    return None


def stock_status(quantity: int) -> str:
    if quantity <= 0:
        return "OUT_OF_STOCK"
    return "LOW_STOCK" if quantity <= LOW_STOCK_AT else "IN_STOCK"
