"""Vendor values into the domain's vocabularies (channel, fulfilment method, statuses).

Each adapter keeps its own table of vendor values; this one lookup turns a value missing from it into
`UpstreamMalformed` naming the system and the value, so the gateway answers `UPSTREAM_ERROR`, not an
internal error, when a back office starts sending a value we have never seen.
"""

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

from .errors import UpstreamMalformed

E = TypeVar("E", bound=Enum)


def domain_value(system: str, what: str, table: Mapping[str, E], value: object) -> E:
    """`table[value]`, or the system's error naming `what` it sent: "pos: unknown booking status 'X'"."""
    found = table.get(value) if isinstance(value, str) else None
    if found is None:
        raise UpstreamMalformed(system, f"unknown {what} {value!r}")
    return found
