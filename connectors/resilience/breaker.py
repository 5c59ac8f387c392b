"""A breaker per system that opens on the share of failed calls over a sliding time window.

It asks one question: does the system answer? A failure is no useful answer (network error, timeout,
5xx, 429). Any other answer shows the system is up and counts as a success, whatever it said: a 4xx
about the request is the caller's error (counting it would let one caller's bad input take the system
away from every other caller), and 401/403 is our configuration's (opening would spare the system
nothing and hide the cause behind "breaker open").

Why a share over a window rather than a run of failures: a system failing 40% of its calls fails five
in a row every few dozen calls, and a run-based breaker then cuts off a system that retries would serve
94% of the time; a dead system under load fills the window within a second either way.

States: closed (calls go through, outcomes counted); open (calls fail at once, for `open_s`); half-open
(`probes` calls go through; all answering closes it, any failing opens it again). A vendor's rate
limit signal that means "stop" (`trip`) opens it at once. The clock is injectable so tests move time
instead of sleeping.
"""

import time
from enum import StrEnum

from .policy import DEFAULT_RESILIENCE, BreakerPolicy
from .window import Clock, SlidingWindow


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    def __init__(self, policy: BreakerPolicy = DEFAULT_RESILIENCE.breaker, clock: Clock = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._window = SlidingWindow(policy.window_s, clock)
        self._state = BreakerState.CLOSED
        self._opened_at = 0.0
        self._probes_out = 0
        self._probes_ok = 0

    @property
    def state(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.policy.open_s:
            self._state, self._probes_out, self._probes_ok = BreakerState.HALF_OPEN, 0, 0
        return self._state

    def allow(self) -> bool:
        """May a call go now? In half-open, says yes to at most `probes` calls at a time; each must then end
        in `record` or `release`."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and self._probes_out + self._probes_ok < self.policy.probes:
            self._probes_out += 1
            return True
        return False

    def record(self, ok: bool) -> None:
        """The outcome of a call `allow` let through."""
        if self._state is BreakerState.HALF_OPEN:
            self._probes_out = max(0, self._probes_out - 1)
            if not ok:
                self._open()
            else:
                self._probes_ok += 1
                if self._probes_ok >= self.policy.probes:
                    self._state = BreakerState.CLOSED
                    self._window.clear()
            return
        if self._state is BreakerState.OPEN:
            return  # a call let through before it opened: the window that opened it is gone
        self._window.add("calls")
        if not ok:
            self._window.add("failures")
            calls = self._window.count("calls")
            if calls >= self.policy.min_calls and self._window.count("failures") >= self.policy.failure_share * calls:
                self._open()

    def release(self) -> None:
        """A call `allow` let through ended with no verdict on the system (cancelled, cut short by its caller)."""
        if self._state is BreakerState.HALF_OPEN:
            self._probes_out = max(0, self._probes_out - 1)

    def trip(self) -> None:
        """Opens now, whatever the window says: the system said to stop, more calls only make it worse."""
        self._open()

    def counts(self) -> tuple[int, int]:
        """Calls and failures in the current window."""
        return self._window.count("calls"), self._window.count("failures")

    def _open(self) -> None:
        self._state, self._opened_at = BreakerState.OPEN, self._clock()
        self._probes_out = self._probes_ok = 0
        self._window.clear()
