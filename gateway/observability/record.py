"""One record per HTTP request, reachable from anywhere in that request (loaders, the upstream hooks) through a
context variable: what the request log line and the per-request metrics are made of.

Tasks a request starts copy its context, so the record they see is the request's own; work outside any request
(start-up warming, sweeps) sees None and is counted in the process-wide metrics only.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .metrics import Metrics


@dataclass
class RequestRecord:
    metrics: Metrics
    request_id: str = "-"
    started: float = field(default_factory=time.perf_counter)
    operation: str | None = None  # the GraphQL operation's name as the client gave it (`-` when anonymous)
    graphql: bool = False  # a GraphQL request (not the IDE's page, not a probe)
    operation_type: str | None = None  # set once a GraphQL operation was chosen
    outcome: str | None = None  # ok, partial, rejected, refused, overloaded, error
    role: str | None = None
    upstream_calls: int = 0
    upstream_failures: int = 0


CURRENT: ContextVar[RequestRecord | None] = ContextVar("omnigate_request_record", default=None)


def current() -> RequestRecord | None:
    return CURRENT.get()
