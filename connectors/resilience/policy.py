"""The tunables of retries, the retry budget, the breaker and the bulkhead: one frozen value per gateway.

Built once from the settings by the composition root and handed to every adapter's client; each
system then keeps its own breaker, budget and bulkhead built from it. The defaults are the settings'.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` counts the first: 3 is two retries. Backoff is full jitter over `backoff_s * 2**n`, capped:
    spread out, clients that failed together do not come back together."""

    attempts: int = 3
    backoff_s: float = 0.05
    max_backoff_s: float = 1.0


@dataclass(frozen=True)
class RetryBudgetPolicy:
    """Retries may be at most `ratio` of the calls over `window_s`, plus `min_per_s` a second: under load a
    failing system sees at most 20% more calls; at a trickle, each failure may still be retried (Finagle's
    RetryBudget defaults)."""

    ratio: float = 0.2
    min_per_s: float = 10.0
    window_s: float = 10.0


@dataclass(frozen=True)
class BreakerPolicy:
    """Opens when at least `failure_share` of at least `min_calls` calls in `window_s` failed (Resilience4j's
    count-in-time-window breaker); after `open_s`, lets `probes` calls through and closes if they succeed.

    `slow_call_s`: a timeout counts as a failure only when the call was given at least this long (or its
    system's whole timeout); a call cut shorter by its request's deadline says more about the caller.
    """

    failure_share: float = 0.5
    min_calls: int = 20
    window_s: float = 10.0
    open_s: float = 2.0
    probes: int = 3
    slow_call_s: float = 1.0


@dataclass(frozen=True)
class Resilience:
    retry: RetryPolicy = RetryPolicy()
    budget: RetryBudgetPolicy = RetryBudgetPolicy()
    breaker: BreakerPolicy = BreakerPolicy()
    max_concurrent: int = 32


DEFAULT_RESILIENCE = Resilience()
