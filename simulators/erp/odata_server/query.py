"""System query options of a collection request and the page of rows they select.

Server-driven paging: `$skiptoken` counts the rows already delivered after
`$skip`, so a next link is the original query plus a new token.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ODataError, Version
from .filter_ast import count_comparisons, key_values
from .filter_compile import compile_filter
from .filter_parser import parse_expression
from .model import EntitySet, Row
from .ordering import Ordering, parse_orderby, sort_rows
from .shape import Shape, build_shape

COMMON_OPTIONS = frozenset({"$filter", "$select", "$expand", "$orderby", "$top", "$skip", "$skiptoken",
                            "$format", "$search"})
COUNT_OPTION = {Version.V4: "$count", Version.V2: "$inlinecount"}
MAX_COMPARISONS = 100  # ours: more terms in one $filter are refused
V4_DEFAULT_PAGE = 100
V4_MAX_PAGE = 5000  # SAP RAP caps a page (assumed for API_PRODUCT, unverified)
V2_MAX_PAGE = 1000  # ours
INT64_MAX = 2**63 - 1  # $top and $skip are Edm.Int64 (SAP's answer past it unverified: ours is a 400)
_WHOLE = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True)
class Query:
    shape: Shape
    keep: Callable[[Row], bool] | None = None
    pinned: frozenset[Any] | None = None  # values of the set's indexed property the filter allows
    ordering: Ordering = ()
    top: int | None = None
    skip: int = 0
    skiptoken: int = 0
    count: bool = False


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    next_token: int | None


def parse_query(params: Mapping[str, str], entity_set: EntitySet, version: Version) -> Query:
    """Validates every system query option; the first bad one is a 400 in the service's shape."""
    for name in params:
        if name.startswith("$") and name not in COMMON_OPTIONS and name != COUNT_OPTION[version]:
            raise ODataError(400, f"System query option '{name}' is not supported")
    if "$search" in params:
        raise ODataError(400, f"Entity set '{entity_set.name}' is not searchable; $search is not supported")
    etype = entity_set.type
    keep, pinned = _filter(params.get("$filter"), entity_set, version)
    orderby = params.get("$orderby")
    return Query(
        shape=build_shape(etype, version, params.get("$select"), params.get("$expand")),
        keep=keep, pinned=pinned,
        ordering=parse_orderby(orderby, etype, version) if orderby else (),
        top=_whole("$top", params.get("$top")), skip=_whole("$skip", params.get("$skip")) or 0,
        skiptoken=_whole("$skiptoken", params.get("$skiptoken")) or 0,
        count=_count(version, params.get(COUNT_OPTION[version])),
    )


def _filter(text: str | None, entity_set: EntitySet,
            version: Version) -> tuple[Callable[[Row], bool] | None, frozenset[Any] | None]:
    if text is None:
        return None, None
    if not text.strip():
        raise ODataError(400, "The $filter expression is empty")
    node = parse_expression(text, version)
    if (terms := count_comparisons(node)) > MAX_COMPARISONS:
        raise ODataError(400, f"The $filter has {terms} comparisons; at most {MAX_COMPARISONS} are allowed")
    keep = compile_filter(node, entity_set.type)
    return keep, None if entity_set.indexed is None else key_values(node, entity_set.indexed)


def _whole(name: str, text: str | None) -> int | None:
    """A non-negative Edm.Int64 in ASCII digits (the ABNF's DIGIT); anything else is refused, not guessed."""
    if text is None:
        return None
    if not _WHOLE.fullmatch(text) or int(text) > INT64_MAX:
        raise ODataError(400, f"Invalid value '{text[:40]}' for system query option {name}")
    return int(text)


def _count(version: Version, text: str | None) -> bool:
    allowed = {"true": True, "false": False} if version is Version.V4 else {"allpages": True, "none": False}
    if text is None:
        return False
    if text not in allowed:
        raise ODataError(400, f"Invalid value '{text}' for system query option {COUNT_OPTION[version]}")
    return allowed[text]


def matching_rows(entity_set: EntitySet, query: Query) -> list[Row]:
    """Filtered and ordered rows; a filter that pins the indexed property reads only those rows."""
    rows = entity_set.rows if query.pinned is None else entity_set.rows_with(query.pinned)
    if query.keep is not None:
        rows = [row for row in rows if query.keep(row)]
    return sort_rows(rows, query.ordering) if query.ordering else rows


def page_of(rows: list[Row], query: Query, version: Version) -> Page:
    """The slice this request returns, capped at the service's page size, and the token of the next."""
    size = V2_MAX_PAGE if version is Version.V2 else V4_DEFAULT_PAGE if query.top is None else V4_MAX_PAGE
    start = query.skip + query.skiptoken
    remaining = max(0, len(rows) - start)
    if query.top is not None:
        remaining = min(remaining, max(0, query.top - query.skiptoken))
    taken = min(size, remaining)
    more = taken < remaining
    return Page(rows[start:start + taken], len(rows), query.skiptoken + taken if more else None)
