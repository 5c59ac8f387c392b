"""The org's data: the world's records with the API's writes laid over them, and undo for allOrNone.

Writes never touch the world; each table keeps the changed fields per record and the records it
created. Savepoints record undo steps so an allOrNone collection or composite can roll back.
"""

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from itertools import chain

from simulators.world import World

from .ids import CREATED_BASE, full_id, make_id
from .schema import SObject, sobject
from .values import Key, Value, key_of
from .world_view import Source, sources

Rollback = Callable[[], None]


class Journal:
    """Undo steps of the writes made while a savepoint is open."""

    def __init__(self) -> None:
        self._undo: list[Rollback] = []
        self._open = 0

    @contextmanager
    def savepoint(self) -> Iterator[Rollback]:
        """Yields the rollback to this point; the steps are dropped when the outermost savepoint closes."""
        mark = len(self._undo)
        self._open += 1
        try:
            yield lambda: self._rollback(mark)
        finally:
            self._open -= 1
            if not self._open:
                self._undo.clear()

    def record(self, undo: Rollback) -> None:
        if self._open:
            self._undo.append(undo)

    def _rollback(self, mark: int) -> None:
        while len(self._undo) > mark:
            self._undo.pop()()


class Table:
    """One sObject: base records from the world plus the writes made through the API."""

    def __init__(self, sobject: SObject, source: Source, journal: Journal) -> None:
        self.sobject, self.source, self.journal = sobject, source, journal
        self._written: dict[str, dict[str, Value]] = {}
        self._created: dict[str, None] = {}
        self._index: dict[str, dict[Key, set[str]]] = {name: {} for name in sobject.indexed}
        self._count = 0

    def resolve(self, text: str) -> str | None:
        """The stored id for an id as a client gives it (15 or 18 characters), None when no such record."""
        record_id = full_id(text)
        return record_id if record_id and self.exists(record_id) else None

    def exists(self, record_id: str) -> bool:
        return record_id in self._created or self.source.has(record_id)

    def value(self, record_id: str, field: str) -> Value:
        written = self._written.get(record_id)
        if written is not None and field in written:
            return written[field]
        return None if record_id in self._created else self.source.value(record_id, field)

    def ids(self) -> Iterator[str]:
        return chain(self.source.ids(), list(self._created))

    def lookup(self, field: str, keys: Collection[Key]) -> set[str] | None:
        """Candidates whose `field` may have one of the keys (a superset: the caller re-checks); None: scan."""
        base = self.source.lookup(field, keys) if field in self._index else None
        if base is None:
            return None
        index = self._index[field]
        return {i for i in base.union(*(index.get(k, ()) for k in keys)) if self.exists(i)}

    def write(self, record_id: str, values: Mapping[str, Value]) -> None:
        previous = self._written.get(record_id)
        self._written[record_id] = {**(previous or {}), **values}
        self.journal.record(lambda: self._restore(record_id, previous))
        self._reindex(record_id, values)

    def create(self, values: Mapping[str, Value]) -> str:
        self._count += 1
        record_id = make_id(self.sobject.prefix, CREATED_BASE + self._count)
        self._created[record_id] = None
        self._written[record_id] = {"Id": record_id, **values}
        self.journal.record(lambda: self._forget(record_id))
        self._reindex(record_id, self._written[record_id])
        return record_id

    def _reindex(self, record_id: str, values: Mapping[str, Value]) -> None:
        for name, index in self._index.items():
            if name in values:
                field = self.sobject.field(name)
                assert field is not None
                key = key_of(field, values[name])
                if key is not None:
                    index.setdefault(key, set()).add(record_id)

    def _restore(self, record_id: str, previous: dict[str, Value] | None) -> None:
        if previous is None:
            self._written.pop(record_id, None)
        else:
            self._written[record_id] = previous

    def _forget(self, record_id: str) -> None:
        self._created.pop(record_id, None)
        self._written.pop(record_id, None)


class Store:
    """Every table of the org over one world."""

    def __init__(self, world: World) -> None:
        self.journal = Journal()
        self.tables = {name.lower(): Table(_known(name), source, self.journal)
                       for name, source in sources(world).items()}

    def table(self, name: str) -> Table | None:
        return self.tables.get(name.lower())


def _known(name: str) -> SObject:
    found = sobject(name)
    assert found is not None, name
    return found
