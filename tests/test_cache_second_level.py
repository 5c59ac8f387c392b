"""What a `KeyedCache` remembers of its own invalidations to keep the second level out of the next fill: the
rule itself, and that it is held for one TTL, not for the life of the process (every stock event invalidates a
(GTIN, store) key that may never be read again)."""

from collections.abc import Sequence

from gateway.cache import KeyedCache
from tests.test_cache_stale import Clock

TTL_S = 60.0


class Second:
    """An in-memory second level whose deletions have not landed: it keeps what it holds, as Redis may for a
    moment after another replica's invalidation."""

    def __init__(self) -> None:
        self.held: dict[str, str] = {}
        self.asked: list[str] = []

    async def get_many(self, keys: Sequence[str]) -> dict[str, tuple[str, float]]:
        self.asked += keys
        return {k: (self.held[k], 0.0) for k in keys if k in self.held}

    def put_many(self, values: dict[str, str], ttl_s: float) -> None:
        self.held.update(values)

    def invalidate(self, keys: Sequence[str]) -> None:
        """Not landed yet (see the class)."""


async def fetch(keys: Sequence[str]) -> list[str]:
    return [f"fresh {k}" for k in keys]


def cache_on(second: Second, clock: Clock) -> KeyedCache[str, str]:
    cache: KeyedCache[str, str] = KeyedCache("pos", fetch, TTL_S, 0.0, clock=clock)
    cache.share(second)
    return cache


async def test_an_invalidated_key_skips_the_second_level_once() -> None:
    second, clock = Second(), Clock()
    second.held["a"] = "old a"
    cache = cache_on(second, clock)
    cache.invalidate(["a"])
    assert await cache.get_many(["a"]) == ["fresh a"]
    assert second.asked == []
    cache.drop(["a"])
    second.held["a"] = "shared a"
    assert await cache.get_many(["a"]) == ["shared a"]  # the next fill asks it again
    assert second.asked == ["a"]


async def test_invalidations_never_read_again_are_forgotten_after_one_ttl() -> None:
    second, clock = Second(), Clock()
    cache = cache_on(second, clock)
    cache.invalidate([f"k{n}" for n in range(10_000)])
    clock.now += TTL_S
    cache.invalidate(["last"])
    assert len(cache._past_second) == 1  # the 10,000 older ones: their old values have expired upstairs too
    second.held["k1"] = "shared k1"
    assert await cache.get_many(["k1"]) == ["shared k1"]  # past one TTL, the second level is asked again
