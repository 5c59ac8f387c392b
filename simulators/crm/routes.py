"""The REST resources under `/services/data/v60.0`, matched the same way for HTTP and composite subrequests."""

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from . import query_api, records_api, writes_api
from .calls import Endpoint


@dataclass(frozen=True)
class Route:
    """One resource; `heavy` marks the query and sObject Collections calls a composite may hold 5 of."""

    method: str
    path: str
    endpoint: Endpoint
    heavy: bool
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path)
        object.__setattr__(self, "pattern", re.compile(regex + "$"))


ROUTES = (
    Route("GET", "/query", query_api.query, heavy=True),
    Route("GET", "/query/", query_api.query, heavy=True),  # as Salesforce serves it; simple-salesforce sends it
    Route("GET", "/query/{locator}", query_api.query_more, heavy=True),
    Route("GET", "/sobjects/{sObject}/{id}", records_api.get_record, heavy=False),
    Route("PATCH", "/sobjects/{sObject}/{id}", writes_api.update_record, heavy=False),
    Route("PATCH", "/sobjects/{sObject}/{fieldName}/{fieldValue}", writes_api.upsert_record, heavy=False),
    Route("GET", "/composite/sobjects/{sObject}", records_api.retrieve_get, heavy=True),
    Route("POST", "/composite/sobjects/{sObject}", records_api.retrieve_post, heavy=True),
    Route("PATCH", "/composite/sobjects", writes_api.update_collection, heavy=True),
    Route("PATCH", "/composite/sobjects/{sObject}/{fieldName}", writes_api.upsert_collection, heavy=True),
)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route serving `method` on `path` (relative to the API root), with its decoded path parameters."""
    for route in ROUTES:
        found = route.pattern.match(path) if route.method == method.upper() else None
        if found:
            return route, {k: unquote(v) for k, v in found.groupdict().items()}
    return None
