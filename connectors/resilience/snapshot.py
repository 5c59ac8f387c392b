"""What one system's upstream client reports about itself: read-only, cheap, for `/status` and `/metrics`.

A frozen value, not the live objects, so a reader can neither change the breaker nor see it half-updated.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class UpstreamHealth:
    system: str
    breaker: str  # "closed", "open" or "half-open"
    window_calls: int  # calls the breaker judged in its window, each once, after its retries
    window_failures: int
    window_retries: int  # retries the budget paid for in its window
    in_flight: int  # calls holding a bulkhead slot
    queued: int  # calls waiting for one
    max_concurrent: int
    last_error: str | None  # the last failure (network, timeout, 5xx) as the client raised it
    last_latency_s: float | None  # the last answered call's duration, failures with an answer included
