"""Keys asked for during one tick, fetched together and kept for the request: a DataLoader without a future per key.

aiodataloader gives every key a future and every `load_many` a gather over them, which for a partner's 100
products in 15 stores each is thousands of futures and callbacks a request. Here one batch is one object that
knows its keys' values once fetched, and a `load_many` is one future, resolved when the (usually one) batch
its keys wait on is answered. The timing is aiodataloader's: a batch closes two loop iterations after its first
key is queued and its fetch starts in the next, so the same loads end up in the same upstream call.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar, cast

K = TypeVar("K")
V = TypeVar("V")
BatchFetch = Callable[[list[K]], Awaitable[Sequence[V]]]
_RUNNING: set["asyncio.Task[None]"] = set()  # batches being fetched (asyncio keeps weak references to tasks)


class _Batch(Generic[K, V]):
    """Keys fetched in one call: pending, then answered (`values`) or failed (`error`)."""

    __slots__ = ("done", "error", "keys", "values", "waiters")

    def __init__(self) -> None:
        self.keys: list[K] = []
        self.values: dict[K, V] = {}
        self.error: BaseException | None = None
        self.done = False
        self.waiters: list[Callable[[], None]] = []

    def answered(self, values: dict[K, V] | None, error: BaseException | None) -> None:
        self.values, self.error, self.done = values or {}, error, True
        waiters, self.waiters = self.waiters, []
        for wake in waiters:
            wake()


class TickBatch(Generic[K, V]):
    """`fetch` takes the keys asked for during one tick (each once) and answers them aligned. `max_keys` bounds a
    batch (0: unbounded; 1: every key its own fetch, batching off). A batch that fails is not kept: the next
    load asks again (aiodataloader's rule), and every load waiting on it gets the error."""

    def __init__(self, fetch: BatchFetch[K, V], max_keys: int = 0) -> None:
        self._fetch = fetch
        self._max_keys = max_keys
        self._of: dict[K, _Batch[K, V]] = {}  # each key asked for: the batch that answers (or will answer) it
        self._open: _Batch[K, V] | None = None  # the batch keys are being queued into this tick

    def __contains__(self, key: K) -> bool:
        """Whether the key was asked for already (pending or answered) and not forgotten since."""
        return key in self._of

    def asked(self, keys: Sequence[K]) -> int:
        """How many of `keys` were asked for already."""
        of = self._of
        return sum(1 for key in keys if key in of)

    def load_many(self, keys: Sequence[K]) -> "asyncio.Future[list[V]]":
        """Queued now; the future resolves to the values aligned with `keys`, or the first failed batch's error."""
        of = self._of
        batches = [of.get(key) for key in keys]
        if None in batches:
            batches = [batch or self._batch_of(key) for key, batch in zip(keys, batches, strict=True)]
        found = cast(list[_Batch[K, V]], batches)
        result: asyncio.Future[list[V]] = asyncio.get_running_loop().create_future()
        pending = [b for b in set(found) if not b.done]
        if not pending:
            _settle(result, keys, found)
            return result
        left = [len(pending)]

        def wake() -> None:
            left[0] -= 1
            if left[0] == 0 and not result.done():
                _settle(result, keys, found)

        for batch in pending:
            batch.waiters.append(wake)
        return result

    def load(self, key: K) -> "asyncio.Future[V]":
        """One key: its value, without a list around it."""
        batch = self._of.get(key) or self._batch_of(key)
        result: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        if batch.done:
            _settle_one(result, key, batch)
        else:
            batch.waiters.append(lambda: _settle_one(result, key, batch))
        return result

    def forget(self, key: K) -> None:
        """The next load of `key` fetches it again."""
        self._of.pop(key, None)

    def forget_all(self) -> None:
        self._of.clear()

    def prime(self, key: K, value: V) -> None:
        """`key` answers `value` from now on, without a fetch."""
        batch: _Batch[K, V] = _Batch()
        batch.keys.append(key)
        batch.answered({key: value}, None)
        self._of[key] = batch

    def _batch_of(self, key: K) -> _Batch[K, V]:
        batch = self._of.get(key)
        if batch is None:
            batch = self._open
            if batch is None or len(batch.keys) == self._max_keys:  # full: the next keys start another batch
                batch = self._open = _Batch()
                loop = asyncio.get_running_loop()
                loop.call_soon(loop.call_soon, self._close, batch)
            batch.keys.append(key)
            self._of[key] = batch
        return batch

    def _close(self, batch: _Batch[K, V]) -> None:
        """No more keys join this batch; its fetch starts in the next iteration."""
        if self._open is batch:
            self._open = None
        task = asyncio.ensure_future(self._run(batch))
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)

    async def _run(self, batch: _Batch[K, V]) -> None:
        try:
            values = await self._fetch(batch.keys)
            if len(values) != len(batch.keys):
                raise TypeError(f"a batch of {len(batch.keys)} keys was answered with {len(values)} values")
        except BaseException as error:  # every waiter gets it; the keys are asked again next time
            for key in batch.keys:
                if self._of.get(key) is batch:
                    del self._of[key]
            batch.answered(None, error)
            if not isinstance(error, Exception):
                raise
            return
        batch.answered(dict(zip(batch.keys, values, strict=True)), None)


def _settle(result: "asyncio.Future[list[V]]", keys: Sequence[K], batches: list[_Batch[K, V]]) -> None:
    for batch in set(batches):
        if batch.error is not None:
            result.set_exception(batch.error)
            return
    result.set_result([batch.values[key] for key, batch in zip(keys, batches, strict=True)])


def _settle_one(result: "asyncio.Future[V]", key: K, batch: _Batch[K, V]) -> None:
    if result.done():  # cancelled meanwhile
        return
    if batch.error is not None:
        result.set_exception(batch.error)
    else:
        result.set_result(batch.values[key])
