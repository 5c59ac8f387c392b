"""One API call as the endpoints see it, from HTTP or from a composite subrequest alike.

Endpoints are plain functions `(Org, Call) -> Reply`, so `POST /composite` runs its subrequests
through exactly the code that serves them over HTTP.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from simulators.world import World

from .cursors import Cursors
from .errors import ApiError, Json, json_parser_error, not_found
from .store import Store, Table


@dataclass(frozen=True)
class Call:
    params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: object = None


@dataclass(frozen=True)
class Reply:
    status: int
    body: Json = None
    headers: Mapping[str, str] = field(default_factory=dict)


class Org:
    """The simulated org's state: its data and its open query cursors."""

    def __init__(self, world: World) -> None:
        self.store = Store(world)
        self.cursors = Cursors()

    def table(self, name: str) -> Table:
        """The table named in a path; an unknown sObject type is a 404 as for any unknown resource."""
        table = self.store.table(name)
        if table is None:
            raise not_found()
        return table


Endpoint = Callable[[Org, Call], Reply]


def invoke(endpoint: Endpoint, org: Org, call: Call) -> Reply:
    try:
        return endpoint(org, call)
    except ApiError as error:
        return Reply(error.status, error.body())


def json_object(body: object) -> dict[str, object]:
    """The body of a call that needs a JSON object."""
    if not isinstance(body, dict):
        raise json_parser_error("Cannot deserialize instance of the request body: a JSON object is required")
    return body
