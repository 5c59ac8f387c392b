"""The org's daily API request allocation, as Salesforce meters it and reports it in `Sforce-Limit-Info`.

Every REST call counts once (a composite call with its subrequests too) over a rolling 24 hours; past
the allocation Salesforce refuses calls with 403 `REQUEST_LIMIT_EXCEEDED`. Counted in hourly buckets, so
a call leaves the window within the hour after it turns 24 hours old.
"""

import time
from collections import deque
from collections.abc import Callable

DAILY_API_REQUESTS = 1_000_000  # an Enterprise Edition org with 900 licences: 100,000 + 1,000 each
WINDOW_HOURS = 24
HEADER = "Sforce-Limit-Info"
EXCEEDED_MESSAGE = "TotalRequests Limit exceeded."


class ApiUsage:
    def __init__(self, total: int = DAILY_API_REQUESTS, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self._clock = clock
        self._hours: deque[list[int]] = deque()  # [hour, calls], oldest first

    @property
    def used(self) -> int:
        self._forget_old()
        return sum(calls for _, calls in self._hours)

    def take(self) -> bool:
        """Counts one call; False (and nothing counted) when the allocation is spent."""
        if self.used >= self.total:
            return False
        hour = int(self._clock() // 3600)
        if self._hours and self._hours[-1][0] == hour:
            self._hours[-1][1] += 1
        else:
            self._hours.append([hour, 1])
        return True

    def header(self) -> dict[str, str]:
        """`Sforce-Limit-Info: api-usage=18/5000`, sent with every REST response."""
        return {HEADER: f"api-usage={self.used}/{self.total}"}

    def _forget_old(self) -> None:
        oldest = int(self._clock() // 3600) - WINDOW_HOURS
        while self._hours and self._hours[0][0] <= oldest:
            self._hours.popleft()
