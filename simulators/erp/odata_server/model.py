"""The entity data model the query engine works on: types, entity sets and service roots.

Rows are plain dicts holding Python values (str, bool, int, Decimal, date, aware
datetime, None); a navigation property holds the related row or list of rows.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .errors import Version

Row = dict[str, Any]


class Edm(Enum):
    STRING = "Edm.String"
    BOOLEAN = "Edm.Boolean"
    INT32 = "Edm.Int32"
    DECIMAL = "Edm.Decimal"
    DATE = "Edm.Date"  # v4 date without time
    DATETIME = "Edm.DateTime"  # v2 instant, sent as /Date(ms)/
    DATETIMEOFFSET = "Edm.DateTimeOffset"


@dataclass(frozen=True)
class Prop:
    """A property's Edm type and the facets the real service's $metadata declares for it."""

    edm: Edm
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None


@dataclass(frozen=True)
class Navigation:
    target: "EntityType"
    many: bool


@dataclass(frozen=True)
class EntityType:
    name: str
    properties: Mapping[str, Prop]
    keys: tuple[str, ...]
    navigations: dict[str, Navigation] = field(default_factory=dict)
    etag: str | None = None  # property whose value versions the entity

    def key_of(self, row: Row) -> tuple[Any, ...]:
        return tuple(row[k] for k in self.keys)


@dataclass
class EntitySet:
    """Rows in key order, with a lookup by key and an index on one property for key-list filters."""

    name: str
    type: EntityType
    rows: list[Row]
    indexed: str | None = None
    by_key: dict[tuple[Any, ...], Row] = field(init=False)
    index: dict[Any, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.rows.sort(key=self.type.key_of)
        self.by_key = {self.type.key_of(row): row for row in self.rows}
        self.index = {}
        if self.indexed is not None:
            for position, row in enumerate(self.rows):
                self.index.setdefault(row[self.indexed], []).append(position)

    def rows_with(self, values: frozenset[Any]) -> list[Row]:
        """Rows whose indexed property is one of `values`, in key order."""
        positions = sorted(p for v in values for p in self.index.get(v, ()))
        return [self.rows[p] for p in positions]


@dataclass(frozen=True)
class Service:
    """One service root: its protocol version and the entity sets it exposes."""

    service_id: str  # e.g. API_MATERIAL_STOCK_SRV; names v2 entity types and error bodies
    root: str  # real path, e.g. /sap/opu/odata/sap/API_MATERIAL_STOCK_SRV
    version: Version
    namespace: str  # of the schema in $metadata: the service id in v2, com.sap.gateway.srvd_a2x.… in v4
    sets: Mapping[str, EntitySet]
