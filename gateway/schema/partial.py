"""Partial failure, one way (DESIGN rule 3): a back office that fails costs only what it serves.

`gather_sources` runs one field's reads from several systems concurrently and returns what answered and
which systems failed; a bug is raised, never taken for an outage. `record` is how a failure reaches the
client: one error with its `UPSTREAM_*` code and `extensions.source` at the field's path, beside the
field's answer. A connection that says in its answer which systems are missing (`unavailableSources`)
reports them there instead. `EmptyWhenUpstreamDown` does the same for a non-null field whose one system
failed: an empty answer and its error, rather than nulling the parent.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from connectors.errors import ConnectorError

from .errors import upstream_error

T = TypeVar("T")


def record(info: Info[Any, Any], error: ConnectorError) -> None:
    """One system's failure at this field, added to the response's errors while the field still answers."""
    mapped = upstream_error(error)
    path = list(info.path.as_list())
    info.context.partial_errors.append(GraphQLError(str(mapped), path=path, extensions=mapped.extensions))


@dataclass(frozen=True)
class Partial(Generic[T]):
    """What the systems behind one field answered, by system, in the order asked, and how the others failed."""

    answered: dict[str, T]
    failed: dict[str, ConnectorError]

    @property
    def unavailable(self) -> list[str]:
        """The systems that did not answer, sorted: a connection's `unavailableSources`."""
        return sorted(self.failed)

    def reported(self, info: Info[Any, Any]) -> "Partial[T]":
        """Records each failure on this field, for a field whose answer cannot say itself what is missing."""
        for error in self.failed.values():
            record(info, error)
        return self

    def whole(self) -> dict[str, T]:
        """Every system's answer, for an answer that would mislead short of one; else the first failure."""
        for error in self.failed.values():
            raise error
        return self.answered


async def gather_sources(reads: Mapping[str, Awaitable[T]]) -> Partial[T]:
    """Runs each system's read concurrently; an outage comes back in `failed`, a bug is raised."""
    return _partial(reads, await asyncio.gather(*reads.values(), return_exceptions=True))


def ready(value: T | ConnectorError) -> "asyncio.Future[T]":
    """A read answered already (nothing to ask, or a system known to be unavailable), for `gather_started`."""
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    if isinstance(value, ConnectorError):
        future.set_exception(value)
    else:
        future.set_result(value)
    return future


async def gather_started(reads: Mapping[str, Awaitable[T]]) -> Partial[T]:
    """As `gather_sources`, for reads already under way (loader futures, `PortLoader.load_soon`): awaited one
    after the other, which costs no more time than at once, and no task each."""
    results: list[T | BaseException] = []
    for read in reads.values():
        try:
            results.append(await read)
        except Exception as error:
            results.append(error)
    return _partial(reads, results)


def _partial(reads: Mapping[str, Awaitable[T]], results: list[T | BaseException]) -> Partial[T]:
    answered: dict[str, T] = {}
    failed: dict[str, ConnectorError] = {}
    for system, result in zip(reads, results, strict=True):
        if isinstance(result, ConnectorError):
            failed[system] = result
        elif isinstance(result, BaseException):
            raise result
        else:
            answered[system] = result
    return Partial(answered, failed)


class EmptyWhenUpstreamDown(FieldExtension):
    """For a non-null field served by one system: its failure gives an empty answer with an error, instead of
    nulling the parent (at the root, `data` and with it every other root field of the request)."""

    def __init__(self, empty: Callable[[dict[str, Any]], Any]) -> None:
        super().__init__()
        self.empty = empty  # the field's arguments -> its empty answer

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any],
                            **kwargs: Any) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except ConnectorError as error:
            record(info, error)
            return self.empty(kwargs)
