"""Deterministic randomness keyed by (seed, purpose, ids).

Records generated on demand (a customer's history, the stock of one store)
must not depend on the order they are asked for, so every draw is a pure hash
of its keys instead of the next number of a shared generator.
"""

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_MASK = (1 << 64) - 1


def mix(*keys: int) -> int:
    """A splitmix64 fold over integer keys: fast, pure and well spread."""
    h = 0x9E3779B97F4A7C15
    for key in keys:
        h = (h ^ (key & _MASK)) * 0xBF58476D1CE4E5B9 & _MASK
        h = (h ^ (h >> 31)) * 0x94D049BB133111EB & _MASK
        h ^= h >> 29
    return h


def mix_more(h: int, key: int) -> int:
    """`mix(*keys, key)` given `h = mix(*keys)`: keys shared by many draws are folded once."""
    h = (h ^ (key & _MASK)) * 0xBF58476D1CE4E5B9 & _MASK
    h = (h ^ (h >> 31)) * 0x94D049BB133111EB & _MASK
    return h ^ (h >> 29)


def unit(*keys: int) -> float:
    """A float in [0, 1) drawn from the keys."""
    return (mix(*keys) >> 11) / float(1 << 53)


def unit_of(h: int) -> float:
    """The float in [0, 1) of a hash `mix` returned."""
    return (h >> 11) / float(1 << 53)


def rng(*keys: int) -> random.Random:
    """A private generator for one record, seeded from its keys."""
    return random.Random(mix(*keys))


def weighted(r: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return r.choices(items, weights=weights, k=1)[0]


PURPOSE_STORE = 1
PURPOSE_PRODUCT = 2
PURPOSE_CUSTOMER = 3
PURPOSE_CARRY = 4
PURPOSE_STOCK = 5
PURPOSE_RESERVED = 6
PURPOSE_ONLINE = 7
PURPOSE_WEB_ORDERS = 8
PURPOSE_RECEIPTS = 9
PURPOSE_ANON = 10
PURPOSE_NOTES = 11
PURPOSE_WISHLIST = 12
PURPOSE_BOOKINGS = 13
PURPOSE_DRIFT = 14
