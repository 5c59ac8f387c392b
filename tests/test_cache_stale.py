"""The stale fallback serves a cached value when a back office fails, and only then (a bug propagates), and
only for a bounded time past its TTL, telling the request how old."""

from collections.abc import Sequence

import pytest

from connectors.errors import ConnectorError, UpstreamUnavailable
from gateway.cache import STALE, KeyedCache, Refreshing, StaleAnswers


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


TTL_S, STALE_S = 10.0, 100.0


def caches(clock: Clock, upstream: Upstream) -> tuple[Refreshing[str], KeyedCache[str, str]]:
    return (Refreshing("stores", "erp", upstream.load, TTL_S, STALE_S, clock),
            KeyedCache("erp", upstream.fetch, TTL_S, STALE_S, clock=clock))


async def read_both(whole: Refreshing[str], keyed: KeyedCache[str, str]) -> tuple[tuple[str, list[str]], StaleAnswers]:
    stale = StaleAnswers()
    token = STALE.set(stale)
    try:
        return (await whole.get(), await keyed.get_many(["a"])), stale
    finally:
        STALE.reset(token)


async def test_a_failing_back_office_gets_the_last_value_marked_stale_with_its_age() -> None:
    # given a value loaded at 5, past its TTL at 60, and its system now down
    clock, upstream = Clock(), Upstream()
    whole, keyed = caches(clock, upstream)
    clock.now = 5.0
    await whole.get()
    await keyed.get_many(["a"])
    clock.now, upstream.failure = 60.5, UpstreamUnavailable("erp", "down")
    # when the request reads it
    answers, stale = await read_both(whole, keyed)
    # then it gets the last value and learns it is stale, and since when (whole seconds, rounded down)
    assert answers == ("index", ["record a"])
    assert stale.extensions() == {"staleSources": ["erp"], "staleAges": {"erp": 55}}


async def test_past_its_ttl_and_the_stale_bound_the_failure_propagates() -> None:
    # given a value loaded at 0, and its system down just when the TTL and the stale bound have run out
    clock, upstream = Clock(), Upstream()
    whole, keyed = caches(clock, upstream)
    await whole.get()
    await keyed.get_many(["a"])
    upstream.failure = UpstreamUnavailable("erp", "down")
    clock.now = TTL_S + STALE_S - 0.001
    assert (await read_both(whole, keyed))[0] == ("index", ["record a"])
    clock.now = TTL_S + STALE_S
    # when the request reads it, then the failure is raised, not the old value
    with pytest.raises(UpstreamUnavailable):
        await whole.get()
    with pytest.raises(UpstreamUnavailable):
        await keyed.get_many(["a"])


async def test_a_successful_refresh_ends_the_stale_answers() -> None:
    # given a value served stale while its system was down
    clock, upstream = Clock(), Upstream()
    whole, keyed = caches(clock, upstream)
    await whole.get()
    await keyed.get_many(["a"])
    clock.now, upstream.failure = 50.0, UpstreamUnavailable("erp", "down")
    assert (await read_both(whole, keyed))[1].extensions()["staleSources"] == ["erp"]
    # when the system answers again, then the value is fetched afresh and its new age counts from then
    upstream.failure = None
    assert (await read_both(whole, keyed))[1].extensions() == {}
    clock.now, upstream.failure = 50.0 + TTL_S + STALE_S - 1, UpstreamUnavailable("erp", "down")
    assert (await read_both(whole, keyed))[1].extensions()["staleAges"] == {"erp": TTL_S + STALE_S - 1}


def test_each_system_reports_its_oldest_stale_answer() -> None:
    stale = StaleAnswers()
    for system, age in (("pos", 30.9), ("erp", 400.0), ("pos", 12.0)):
        stale.add(system, age)
    assert stale.extensions() == {"staleSources": ["erp", "pos"], "staleAges": {"erp": 400, "pos": 30}}


@pytest.mark.parametrize("failure", [KeyError("bug"), ValueError("bug")])
async def test_a_bug_propagates_instead_of_a_stale_value(failure: Exception) -> None:
    # given a value loaded once, past its TTL, and a refresh that hits a bug
    clock, upstream = Clock(), Upstream()
    whole, keyed = caches(clock, upstream)
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
        await Refreshing("stores", "erp", upstream.load, TTL_S, STALE_S).get()
