"""gateway/loaders/batch.py: the keys of one tick go out in one fetch, answers are kept for the request, a failed
batch is not, and `max_keys` bounds a batch (1: every key its own fetch)."""

import asyncio
from collections.abc import Sequence

import pytest

from gateway.loaders.batch import TickBatch


class Upstream:
    """A fetch that records each batch it was given and fails while `down`."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.down = False

    async def fetch(self, keys: Sequence[str]) -> list[str]:
        self.batches.append(list(keys))
        await asyncio.sleep(0)
        if self.down:
            raise ConnectionError("down")
        return [key.upper() for key in keys]


async def test_loads_of_one_tick_share_one_fetch_and_are_kept() -> None:
    upstream = Upstream()
    batch = TickBatch(upstream.fetch)
    first, second, one = batch.load_many(["a", "b"]), batch.load_many(["b", "c"]), batch.load("d")
    assert (await first, await second, await one) == (["A", "B"], ["B", "C"], "D")
    assert await batch.load_many(["c", "a"]) == ["C", "A"]
    assert upstream.batches == [["a", "b", "c", "d"]]
    assert batch.asked(["a", "x"]) == 1 and "d" in batch and "x" not in batch


async def test_a_key_asked_while_its_batch_is_in_flight_waits_for_it() -> None:
    upstream = Upstream()
    batch = TickBatch(upstream.fetch)
    first = batch.load_many(["a"])
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the batch has closed and its fetch started
    assert await batch.load_many(["a", "b"]) == ["A", "B"]
    assert await first == ["A"]
    assert upstream.batches == [["a"], ["b"]]


async def test_a_failed_batch_fails_its_loads_and_is_asked_again() -> None:
    upstream = Upstream()
    upstream.down = True
    batch = TickBatch(upstream.fetch)
    with pytest.raises(ConnectionError):
        await batch.load_many(["a", "b"])
    assert "a" not in batch
    upstream.down = False
    assert await batch.load("a") == "A"
    assert upstream.batches == [["a", "b"], ["a"]]


async def test_forget_and_prime() -> None:
    upstream = Upstream()
    batch = TickBatch(upstream.fetch)
    batch.prime("a", "primed")
    assert await batch.load("a") == "primed"
    batch.forget("a")
    assert await batch.load("a") == "A"
    batch.forget_all()
    assert await batch.load_many(["a"]) == ["A"]
    assert upstream.batches == [["a"], ["a"]]


@pytest.mark.parametrize("max_keys, batches", [(0, [["a", "b", "c"]]), (2, [["a", "b"], ["c"]]),
                                               (1, [["a"], ["b"], ["c"]])])
async def test_max_keys_bounds_a_batch(max_keys: int, batches: list[list[str]]) -> None:
    upstream = Upstream()
    batch = TickBatch(upstream.fetch, max_keys)
    assert await batch.load_many(["a", "b", "c"]) == ["A", "B", "C"]
    assert upstream.batches == batches
