"""Counts over a sliding time window, in buckets, so memory stays bounded however many calls there are.

The breaker and the retry budget both ask "how many of X in the last W seconds". A deque of timestamps
would grow with the load (thousands of calls a second under a burst); fixed buckets cost O(buckets) a
question and are exact to one bucket's width, which is all a breaker's threshold needs.
"""

import time
from collections import Counter, deque
from collections.abc import Callable

# Seconds since an arbitrary origin, never going back: time.monotonic, or a test's hand-moved clock.
Clock = Callable[[], float]


class SlidingWindow:
    def __init__(self, window_s: float, clock: Clock = time.monotonic, buckets: int = 10) -> None:
        self.window_s = window_s
        self._clock = clock
        self._width = window_s / buckets
        self._buckets: deque[tuple[int, Counter[str]]] = deque()

    def add(self, kind: str, n: int = 1) -> None:
        slot = self._slot()
        if not self._buckets or self._buckets[-1][0] != slot:
            self._buckets.append((slot, Counter()))
        self._buckets[-1][1][kind] += n
        self._expire(slot)

    def count(self, kind: str) -> int:
        self._expire(self._slot())
        return sum(counts[kind] for _, counts in self._buckets)

    def clear(self) -> None:
        self._buckets.clear()

    def _slot(self) -> int:
        return int(self._clock() // self._width)

    def _expire(self, slot: int) -> None:
        oldest = slot - round(self.window_s / self._width) + 1
        while self._buckets and self._buckets[0][0] < oldest:
            self._buckets.popleft()
