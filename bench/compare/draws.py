"""Seeded Zipf draws of the variables every scenario asks with: a few skus, stores and customers are popular,
most are rare, as on a shop's real traffic. One draw is a plain dict the peer's documents read too."""

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Generic, TypeVar

from connectors.domain import GeoPoint
from gateway.geo import haversine_km
from simulators.world import CATEGORIES, DemoCustomer, DemoProduct, DemoStore, World

T = TypeVar("T")
Draw = dict[str, Any]
ZIPF_S = 1.1  # the exponent: the most popular sku is drawn about twice as often as the second
BULK_SKUS = 100
PAGE_SKUS = 10


class Zipf(Generic[T]):
    """Draws from `items` with P(rank k) ~ 1/k^s; the ranks are a seeded shuffle of the items."""

    def __init__(self, items: list[T], rng: random.Random, s: float = ZIPF_S) -> None:
        self.items = rng.sample(items, len(items))
        self.cumulative = list(accumulate(1 / (k ** s) for k in range(1, len(items) + 1)))
        self.rng = rng

    def one(self) -> T:
        return self.items[bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def distinct(self, n: int) -> list[T]:
        """n different items, each drawn by popularity."""
        chosen: dict[int, T] = {}
        while len(chosen) < min(n, len(self.items)):
            item = self.one()
            chosen[id(item)] = item
        return list(chosen.values())


@dataclass(frozen=True)
class Population:
    """What a draw picks from: what a shop's clients would ask about."""

    products: list[DemoProduct]  # sellable on every channel
    stores: list[DemoStore]  # open
    customers: list[DemoCustomer]  # with a loyalty card

    @classmethod
    def of(cls, world: World) -> "Population":
        return cls([p for p in world.products if not p.delisted and p.webshop_id is not None],
                   [s for s in world.stores if s.active], [c for c in world.customers if c.card])


class Draws:
    """Every scenario's variables from one seeded stream."""

    def __init__(self, population: Population, seed: int) -> None:
        rng = random.Random(seed)
        self.population = population
        self.products = Zipf(population.products, rng)
        self.stores = Zipf(population.stores, rng)
        self.customers = Zipf(population.customers, rng)
        self.rng = rng
        self.groups = {c.code: c.erp_group for c in CATEGORIES}  # what the ERP, and searchProducts, filter on

    def draw(self, skus: int = BULK_SKUS) -> Draw:
        """`skus` products for the documents that ask for many (100 for partner bulk, 10 for ten products)."""
        product, store, customer = self.products.one(), self.stores.one(), self.customers.one()
        near = {"latitude": round(store.latitude + self.rng.uniform(-0.02, 0.02), 5),
                "longitude": round(store.longitude + self.rng.uniform(-0.02, 0.02), 5)}
        many = self.products.distinct(skus)
        return {"sku": product.sku, "gtin": product.gtin, "skus": [p.sku for p in many],
                "gtins": [p.gtin for p in many], "store": store.code, "near": near,
                "nearest_stores": self.nearest(near, 5), "card": customer.card,
                "category": self.groups[product.category]}

    def nearest(self, near: dict[str, float], n: int) -> list[str]:
        here = GeoPoint(near["latitude"], near["longitude"])
        by_distance = sorted(self.population.stores,
                             key=lambda s: haversine_km(here, GeoPoint(s.latitude, s.longitude)))
        return [s.code for s in by_distance[:n]]

    def many(self, n: int, skus: int = BULK_SKUS) -> list[Draw]:
        return [self.draw(skus) for _ in range(n)]
