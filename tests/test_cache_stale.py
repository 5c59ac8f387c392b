"""The stale fallback serves a cached value when a back office fails, and only then: a bug propagates."""

from collections.abc import Sequence

import pytest

from connectors.errors import ConnectorError, UpstreamUnavailable
from gateway.cache import STALE, KeyedCache, Refreshing


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Upstream:
    """Answers until told to fail with `failure`."""

    def __init__(self) -> None:
        self.failure: Exception | None = None

    async def load(self) -> str:
        if self.failure is not None:
            raise self.failure
        return "index"

    async def fetch(self, keys: Sequence[str]) -> list[str]:
        if self.failure is not None:
            raise self.failure
        return [f"record {k}" for k in keys]


async def test_a_failing_back_office_gets_the_last_value_marked_stale() -> None:
    # given a value loaded once, past its TTL, and its system now down
    clock, upstream = Clock(), Upstream()
    whole = Refreshing("stores", "erp", upstream.load, 10.0, clock)
    keyed = KeyedCache("erp", upstream.fetch, 10.0, clock=clock)
    await whole.get()
    await keyed.get_many(["a"])
    clock.now, upstream.failure = 60.0, UpstreamUnavailable("erp", "down")
    stale: set[str] = set()
    token = STALE.set(stale)
    try:
        # when the request reads it
        answers = (await whole.get(), await keyed.get_many(["a"]))
    finally:
        STALE.reset(token)
    # then it gets the last value and learns it is stale
    assert answers == ("index", ["record a"])
    assert stale == {"erp"}


@pytest.mark.parametrize("failure", [KeyError("bug"), ValueError("bug")])
async def test_a_bug_propagates_instead_of_a_stale_value(failure: Exception) -> None:
    # given a value loaded once, past its TTL, and a refresh that hits a bug
    clock, upstream = Clock(), Upstream()
    whole = Refreshing("stores", "erp", upstream.load, 10.0, clock)
    keyed = KeyedCache("erp", upstream.fetch, 10.0, clock=clock)
    await whole.get()
    await keyed.get_many(["a"])
    clock.now, upstream.failure = 60.0, failure
    # when the request reads it, then the bug is raised, not hidden behind the stale value
    with pytest.raises(type(failure)):
        await whole.get()
    with pytest.raises(type(failure)):
        await keyed.get_many(["a"])


async def test_with_nothing_cached_a_back_office_failure_propagates() -> None:
    upstream = Upstream()
    upstream.failure = UpstreamUnavailable("erp", "down")
    with pytest.raises(ConnectorError):
        await Refreshing("stores", "erp", upstream.load, 10.0).get()
