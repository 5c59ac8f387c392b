"""Query cursors behind `nextRecordsUrl`, kept as Salesforce keeps them.

A user has at most 10 open cursors (opening an 11th releases the oldest) and an idle cursor is
dropped after 15 minutes; asking for a released one is `INVALID_QUERY_LOCATOR`.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ApiError
from .ids import make_id
from .store import Table
from .values import Field

MAX_OPEN = 10
IDLE_SECONDS = 15 * 60
LOCATOR_PREFIX = "01g"


@dataclass
class Cursor:
    """The ids a query matched, frozen when it ran; the fields are read when each page is served."""

    table: Table
    fields: tuple[Field, ...]
    ids: list[str]
    batch: int
    used: float = field(default=0.0)


class Cursors:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._open: OrderedDict[str, Cursor] = OrderedDict()
        self._clock = clock
        self._count = 0

    def open(self, cursor: Cursor) -> str:
        self._count += 1
        locator = make_id(LOCATOR_PREFIX, self._count)
        cursor.used = self._clock()
        self._open[locator] = cursor
        while len(self._open) > MAX_OPEN:
            self._open.popitem(last=False)
        return locator

    def get(self, locator: str) -> Cursor:
        """The open cursor of a locator; raises INVALID_QUERY_LOCATOR for an unknown, released or idle one."""
        cursor = self._open.get(locator)
        now = self._clock()
        if cursor is None or now - cursor.used > IDLE_SECONDS:
            self._open.pop(locator, None)
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        cursor.used = now
        return cursor
