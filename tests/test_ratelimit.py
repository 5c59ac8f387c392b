"""Rate limits: the settings syntax, and token buckets driven by a fake clock (no sleeping)."""

import pytest

from gateway.ratelimit import DEFAULT_RATE_LIMITS, InProcessRateLimiter, Rate, parse_rate_limits

TEN_PER_SECOND = Rate(per_second=10, burst=10)
TWO_PER_MINUTE = Rate(per_second=2 / 60, burst=1)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def granted(limiter: InProcessRateLimiter, key: str, rate: Rate, attempts: int) -> int:
    return sum([await limiter.acquire(key, rate) is None for _ in range(attempts)])


def test_the_defaults() -> None:
    assert parse_rate_limits(DEFAULT_RATE_LIMITS) == {
        "anonymous": Rate(50, 50), "customer": Rate(20, 20), "kiosk": Rate(50, 50),
        "partner": Rate(100, 100), "staff": None,
    }


def test_per_minute_rates_burst_at_least_one_and_unnamed_roles_keep_their_default() -> None:
    rates = parse_rate_limits(" partner = 30/m , staff=120/m,anonymous=0/s")

    assert rates["partner"] == Rate(per_second=0.5, burst=1)
    assert rates["staff"] == Rate(per_second=2, burst=2)
    assert rates["anonymous"] is None
    assert rates["customer"] == Rate(20, 20)


def test_an_empty_setting_means_the_defaults() -> None:
    assert parse_rate_limits("") == parse_rate_limits(DEFAULT_RATE_LIMITS)


@pytest.mark.parametrize("item", ["robot=5/s", "partner", "partner=5", "partner=5/h", "partner=-1/s",
                                  "partner=nan/s", "partner=inf/s", "partner=x/s", ""])
def test_a_bad_item_is_named(item: str) -> None:
    with pytest.raises(ValueError, match=repr(item)):
        parse_rate_limits(f"staff=0,{item}")


def test_a_repeated_role_is_refused() -> None:
    with pytest.raises(ValueError, match="already set"):
        parse_rate_limits("partner=5/s,partner=6/s")


def test_a_rate_refuses_impossible_values() -> None:
    with pytest.raises(ValueError):
        Rate(per_second=0, burst=1)
    with pytest.raises(ValueError):
        Rate(per_second=1, burst=0.5)


async def test_a_full_bucket_allows_a_burst_then_says_when_to_retry() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)

    assert await granted(limiter, "customer:1", TEN_PER_SECOND, 12) == 10
    assert await limiter.acquire("customer:1", TEN_PER_SECOND) == pytest.approx(0.1)


async def test_tokens_come_back_at_the_rate() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    await granted(limiter, "customer:1", TEN_PER_SECOND, 10)

    clock.now += 0.35

    assert await granted(limiter, "customer:1", TEN_PER_SECOND, 10) == 3
    assert await limiter.acquire("customer:1", TEN_PER_SECOND) == pytest.approx(0.05)


async def test_a_slow_rate_allows_one_then_waits_for_the_next_token() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)

    assert await limiter.acquire("partner:acme", TWO_PER_MINUTE) is None
    assert await limiter.acquire("partner:acme", TWO_PER_MINUTE) == pytest.approx(30)
    clock.now += 30
    assert await limiter.acquire("partner:acme", TWO_PER_MINUTE) is None


async def test_buckets_are_per_key() -> None:
    limiter = InProcessRateLimiter(clock=FakeClock())
    await granted(limiter, "anonymous:10.0.0.1", TEN_PER_SECOND, 10)

    assert await limiter.acquire("anonymous:10.0.0.2", TEN_PER_SECOND) is None
    assert await limiter.acquire("anonymous:10.0.0.1", TEN_PER_SECOND) is not None


async def test_an_idle_bucket_refills_no_higher_than_its_burst() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    await granted(limiter, "kiosk:k1", TEN_PER_SECOND, 10)

    clock.now += 3600

    assert await granted(limiter, "kiosk:k1", TEN_PER_SECOND, 20) == 10


async def test_memory_is_bounded_by_the_number_of_keys() -> None:
    limiter = InProcessRateLimiter(max_keys=2, clock=FakeClock())
    for key in ("a", "b", "c"):
        await granted(limiter, key, TEN_PER_SECOND, 10)

    # "a" was dropped, so it starts from a full bucket again; "c" is still empty
    assert await limiter.acquire("a", TEN_PER_SECOND) is None
    assert await limiter.acquire("c", TEN_PER_SECOND) is not None
