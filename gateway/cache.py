"""Cross-request caches of reference data (DESIGN rules 3 and 5).

`Refreshing` holds one whole value (the store index, the crosswalk); `KeyedCache`
holds records key by key (products, prices, stock), the same for every
principal. Either way, concurrent misses share one upstream call, and when a
back office fails (a `ConnectorError`) the last good value is served for a bounded time past its TTL
(`stale_s`, stale-if-error as RFC 5861 puts it) and the request is told, through `STALE`, which system's
answer it got stale and how old. Past the bound, or with nothing cached, the error propagates. Any other
exception is a bug: it propagates, never hidden behind a stale value. Customer data never goes through here.

Ages are read from the clock each cache is given: the gateway's own, so that a test moves time instead of
sleeping.

With replicas, a `KeyedCache` may have a second level (`SecondLevel`, Redis in gateway/shared/): a key missing
in process is asked of it before the back office, what is fetched is stored there too, and an invalidation
reaches every replica. A `Refreshing` value loaded from it is `Aged`: its age counts against the TTL here.
"""

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from connectors.errors import ConnectorError
from connectors.resilience import deadline

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
Fetch = Callable[[Sequence[K]], Awaitable[Sequence[V]]]
log = logging.getLogger("omnigate.cache")


class StaleAnswers:
    """The systems whose cached answers one request was given past their TTL, each with the age in seconds of
    the oldest such answer."""

    def __init__(self) -> None:
        self._ages: dict[str, float] = {}

    def add(self, system: str, age_s: float) -> None:
        self._ages[system] = max(age_s, self._ages.get(system, 0.0))

    def extensions(self) -> dict[str, Any]:
        """The response's `extensions` entries: `staleSources`, the sorted system names (the shape clients read
        since stale answers were first flagged), and `staleAges`, whole seconds since each was last fetched
        (rounded down, as HTTP's `Age` header). Nothing when every answer was fresh."""
        if not self._ages:
            return {}
        systems = sorted(self._ages)
        return {"staleSources": systems, "staleAges": {s: int(self._ages[s]) for s in systems}}


# Set per request by the endpoint.
STALE: ContextVar[StaleAnswers | None] = ContextVar("omnigate_stale_answers", default=None)


class Freshness:
    """How long every cached answer one request was given stays fresh: a response built from them may be
    reused no longer than its soonest-expiring part (the response cache's bound)."""

    def __init__(self) -> None:
        self.remaining_s = float("inf")

    def note(self, remaining_s: float) -> None:
        self.remaining_s = min(self.remaining_s, remaining_s)


# Set per request by the endpoint when the response may be cached.
FRESHNESS: ContextVar[Freshness | None] = ContextVar("omnigate_freshness", default=None)


def mark_stale(system: str, age_s: float) -> None:
    stale = STALE.get()
    if stale is not None:
        stale.add(system, age_s)


def _note_fresh_for(remaining_s: float) -> None:
    freshness = FRESHNESS.get()
    if freshness is not None:
        freshness.note(remaining_s)


@dataclass(frozen=True, slots=True)
class Aged(Generic[T]):
    """A value another replica fetched `age_s` seconds ago."""

    value: T
    age_s: float


class SecondLevel(Protocol[K, V]):
    """What a `KeyedCache` asks before its back office, shared by every replica."""

    async def get_many(self, keys: Sequence[K]) -> dict[K, tuple[V, float]]:
        """The keys it holds, each with its age in seconds; nothing when it is unavailable."""
        ...

    def put_many(self, values: dict[K, V], ttl_s: float) -> None: ...

    def invalidate(self, keys: Sequence[K]) -> None:
        """Gone from the second level and from every other replica's first."""
        ...


class Refreshing(Generic[T]):
    def __init__(self, name: str, system: str, load: Callable[[], Awaitable[T | Aged[T]]],
                 ttl_s: float | Callable[[T], float], stale_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.system = system
        self._load = load
        self._ttl_of = ttl_s if callable(ttl_s) else (lambda _: float(ttl_s))
        self._ttl_s = 0.0
        self._stale_s = stale_s
        self._clock = clock
        self._value: T | None = None
        self._loaded_at = float("-inf")
        self._failed_at = float("-inf")
        self._inflight: asyncio.Task[T] | None = None

    async def loaded(self) -> T | None:
        """The last value loaded, even past its TTL; before the first, waits for one in flight. Never loads:
        None when the first load failed or none started."""
        if self._value is None and self._inflight is not None:
            await asyncio.wait([self._inflight])
        return self._value

    async def stop(self) -> None:
        """At shutdown, before the sessions close: a refresh still in flight is cancelled, not left to fail."""
        if self._inflight is not None:
            self._inflight.cancel()
            await asyncio.gather(self._inflight, return_exceptions=True)

    async def get(self) -> T:
        if self._value is not None and (age := self._clock() - self._loaded_at) < self._ttl_s:
            _note_fresh_for(self._ttl_s - age)
            return self._value
        if self._inflight is None:
            self._inflight = deadline.shared(self._refresh())
        try:
            value = await deadline.wait_shared(self._inflight, self.system)
            _note_fresh_for(self._ttl_s)
            return value
        except ConnectorError:
            age = self._clock() - self._loaded_at
            if self._value is None or age >= self._ttl_s + self._stale_s:
                raise
            mark_stale(self.system, age)
            log.warning("serving stale %s after a failed refresh (%.0f s old)", self.name, age)
            return self._value

    def expire(self) -> None:
        """The value is out of date (the system said so): the next `get` loads it again."""
        self._loaded_at = float("-inf")

    def revalidate(self, retry_after_s: float) -> None:
        """For a value requests can do without meanwhile: past its TTL, starts a refresh in the background and
        returns at once (stale-while-revalidate); after a failed load, not again before `retry_after_s`."""
        now = self._clock()
        if self._inflight is not None or now - self._loaded_at < self._ttl_s or now - self._failed_at < retry_after_s:
            return
        self._inflight = deadline.shared(self._refresh())
        self._inflight.add_done_callback(self._note_failure)

    def _note_failure(self, task: "asyncio.Task[T]") -> None:
        if not task.cancelled() and task.exception() is not None:
            self._failed_at = self._clock()
            log.warning("%s not refreshed: %s", self.name, task.exception())

    async def _refresh(self) -> T:
        try:
            loaded = await self._load()
            value, age = (loaded.value, loaded.age_s) if isinstance(loaded, Aged) else (loaded, 0.0)
            self._value, self._loaded_at = value, self._clock() - age
            self._ttl_s = self._ttl_of(value)
            return value
        finally:
            self._inflight = None


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    stored_at: float


class _Lru(Generic[K, V]):
    """The least recently used key goes first past `max_entries`. One ordered map: cachetools' LRUCache keeps
    three per key (values, sizes, order), which a cache of 100,000 stock levels pays in memory and time."""

    __slots__ = ("_items", "_max")

    def __init__(self, max_entries: int) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._max = max_entries

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def __setitem__(self, key: K, item: V) -> None:
        self._items[key] = item
        self._items.move_to_end(key)
        if len(self._items) > self._max:
            self._items.popitem(last=False)

    def pop(self, key: K) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def keys(self) -> list[K]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)


class KeyedCache(Generic[K, V]):
    def __init__(self, system: str, fetch: Fetch[K, V], ttl_s: float, stale_s: float, max_entries: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.system = system
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._stale_s = stale_s
        self._clock = clock
        self._entries: _Lru[K, _Entry[V]] = _Lru(max_entries)
        self._inflight: dict[K, asyncio.Task[dict[K, V]]] = {}
        self._second: SecondLevel[K, V] | None = None
        self._past_second: OrderedDict[K, float] = OrderedDict()  # invalidated here, when: see `_skip_second`
        self._trusted_from = float("-inf")  # values stored before it are never served (see `distrust`)

    def share(self, second: SecondLevel[K, V]) -> None:
        """From now on, misses ask `second` before the back office, and invalidations reach it."""
        self._second = second

    async def get_many(self, keys: Sequence[K]) -> list[V]:
        """Aligned with `keys`, like the port it stands in front of."""
        now = self._clock()
        found: dict[K, V] = {}
        oldest = now
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None and now - entry.stored_at < self._ttl_s:
                found[key] = entry.value
                oldest = min(oldest, entry.stored_at)
        wanted = [k for k in dict.fromkeys(keys) if k not in found]
        if not wanted:  # all fresh: no gather, timer or shield for nothing (the warm path of every request)
            return [found[key] for key in keys]
        for key, result in zip(wanted, await self._settle(wanted), strict=True):
            found[key] = self._stale_or_raise(key, result) if isinstance(result, ConnectorError) else result
            if (entry := self._entries.get(key)) is not None:  # filled from the second level: maybe not new
                oldest = min(oldest, entry.stored_at)
        _note_fresh_for(self._ttl_s - (now - oldest))
        return [found[key] for key in keys]

    def invalidate(self, keys: Sequence[K]) -> None:
        """The next read of these keys goes upstream, and no older value is served stale in its place: a write
        depends on it or changed it."""
        self.drop(keys)
        if self._second is not None:
            self._second.invalidate(keys)
            self._note_past_second(keys)

    def distrust(self) -> None:
        """Nothing stored before now is served again, fresh or stale, from here or the second level: the system
        changed while Omnigate was not told (a gap in its events), so the next reads go to it."""
        self._trusted_from = self._clock()
        self._entries.clear()

    def drop(self, keys: Sequence[K]) -> None:
        """Invalidated in this process only: another replica's write, told through the second level."""
        for key in keys:
            self._entries.pop(key)

    def held_keys(self) -> list[K]:
        """The keys held in this process (an event that does not say which keys it changed outdates them all)."""
        return self._entries.keys()

    async def _settle(self, keys: list[K]) -> list[V | ConnectorError]:
        """One upstream call for the keys nobody is fetching yet; the others join the call in flight."""
        fresh = [k for k in keys if k not in self._inflight]
        if fresh:
            task = deadline.shared(self._fill(fresh))
            self._inflight.update(dict.fromkeys(fresh, task))
            task.add_done_callback(lambda _: self._forget(fresh, task))
        tasks = {k: self._inflight[k] for k in keys}
        unique = list(dict.fromkeys(tasks.values()))
        try:
            gathered = await deadline.wait_shared(asyncio.gather(*unique, return_exceptions=True), self.system)
        except ConnectorError as error:  # this request's deadline passed; the loads go on for the others
            return [error for _ in keys]
        answers = dict(zip(unique, gathered, strict=True))
        results: list[V | ConnectorError] = []
        for key in keys:
            answer = answers[tasks[key]]
            if isinstance(answer, BaseException) and not isinstance(answer, ConnectorError):
                raise answer
            results.append(answer if isinstance(answer, ConnectorError) else answer[key])
        return results

    async def _fill(self, keys: list[K]) -> dict[K, V]:
        asked_at = self._clock()
        shared = await self._from_second(keys)
        missing = [k for k in keys if k not in shared]
        values = await self._fetch(missing) if missing else []
        fetched = dict(zip(missing, values, strict=True))
        if asked_at < self._trusted_from:  # asked before a `distrust`: answered, but kept nowhere
            return {**shared, **fetched}
        stored_at = self._clock()
        for key, value in fetched.items():
            self._entries[key] = _Entry(value, stored_at)
        if self._second is not None and fetched:
            self._second.put_many(fetched, self._ttl_s)
        return {**shared, **fetched}

    async def _from_second(self, keys: list[K]) -> dict[K, V]:
        """What the second level holds still fresh, entered here with the age it already has. Keys this process
        invalidated go to the back office: their deletion from the second level may not have landed yet."""
        skipped = self._skip_second(keys)
        asked = [k for k in keys if k not in skipped]
        if self._second is None or not asked:
            return {}
        now, found = self._clock(), {}
        for key, (value, age_s) in (await self._second.get_many(asked)).items():
            if age_s < self._ttl_s and now - age_s >= self._trusted_from:
                self._entries[key] = _Entry(value, now - age_s)
                found[key] = value
        return found

    def _note_past_second(self, keys: Sequence[K]) -> None:
        """Held for one TTL at most: by then what the second level held before the invalidation has expired
        there, and a key never read again would otherwise be held for the life of the process."""
        now = self._clock()
        for key in keys:
            self._past_second.pop(key, None)
            self._past_second[key] = now
        while self._past_second and now - next(iter(self._past_second.values())) >= self._ttl_s:
            self._past_second.popitem(last=False)

    def _skip_second(self, keys: Sequence[K]) -> set[K]:
        """The keys whose next fill must not ask the second level (this process invalidated them and the
        deletion there may not have landed yet); asked once, they are forgotten."""
        now = self._clock()
        skipped = set()
        for key in keys:
            at = self._past_second.pop(key, None)
            if at is not None and now - at < self._ttl_s:
                skipped.add(key)
        return skipped

    def _forget(self, keys: list[K], task: "asyncio.Task[dict[K, V]]") -> None:
        for key in keys:
            if self._inflight.get(key) is task:
                del self._inflight[key]

    def _stale_or_raise(self, key: K, error: ConnectorError) -> V:
        entry = self._entries.get(key)
        if entry is None or (age := self._clock() - entry.stored_at) >= self._ttl_s + self._stale_s:
            raise error
        mark_stale(self.system, age)
        return entry.value
