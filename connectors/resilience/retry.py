"""When a failed read is worth another attempt, how long to wait first, and how many retries a system can take.

Only reads (the caller says `idempotent`) are retried: a write whose reply was lost may have happened.
Retried: no connection or no reply (status None), 500/502/503/504 and 429, the answers of a system
that may well answer the next attempt. A 500 is included: Salesforce's and the simulators' transient
faults are 500s (CRM sheet: "retry reads on 500/503/network errors"). Not retried: a timeout (it already
spent the budget a retry would need), a 4xx (the same request gets the same answer), a vendor's rate
limit that is not a 429 (the CRM's daily limit: waiting seconds will not lift it).
"""

import random
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ..errors import ConnectorError, RateLimited, UpstreamTimeout, UpstreamUnavailable
from .policy import DEFAULT_RESILIENCE, RetryBudgetPolicy, RetryPolicy
from .window import Clock, SlidingWindow

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


def is_retryable(error: ConnectorError) -> bool:
    if not isinstance(error, UpstreamUnavailable) or isinstance(error, UpstreamTimeout):
        return False
    if isinstance(error, RateLimited) and error.status != 429:
        return False
    return error.status is None or error.status in RETRIED_STATUSES


def backoff_s(policy: RetryPolicy, retry: int, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**retry)] for the `retry`-th retry (0 = the first)."""
    return rng.uniform(0.0, min(policy.max_backoff_s, policy.backoff_s * 2**retry))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` in seconds from now: delta-seconds or an HTTP date (RFC 9110 10.2.3); None if absent or
    unreadable. A date in the past is 0."""
    if value is None or not (value := value.strip()):
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryBudget:
    """Per system: every call deposits, every retry withdraws; a retry the budget cannot pay is not made.

    Without it, three attempts a call turn a system's outage into three times its load just when it can
    least take it; the breaker alone reacts only after its window fills.
    """

    def __init__(self, policy: RetryBudgetPolicy = DEFAULT_RESILIENCE.budget, clock: Clock = time.monotonic) -> None:
        self.policy = policy
        self._window = SlidingWindow(policy.window_s, clock)

    def record_call(self) -> None:
        self._window.add("calls")

    def try_spend(self) -> bool:
        """Withdraws one retry if the window allows it."""
        allowed = self.policy.min_per_s * self.policy.window_s + self.policy.ratio * self._window.count("calls")
        if self._window.count("retries") + 1 > allowed:
            return False
        self._window.add("retries")
        return True

    @property
    def retries_in_window(self) -> int:
        return self._window.count("retries")

    @property
    def calls_in_window(self) -> int:
        return self._window.count("calls")
