"""What an operation sent over WebSocket passes before it runs, as one sent over HTTP does: credentials checked
again, the principal's rate limit, persisted queries and the safelist, the document parsed once (the operation
cache) and measured against the operation limits. A refusal is a list of errors, each with its code."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode

from ..appkeys import REFERENCE_KEY
from ..auth.principals import AuthenticationError, Principal
from ..cost import Estate
from ..errors import ErrorCode, coded
from ..graphql_http import GraphQLEndpoint, chosen_operation
from ..limits import check, measure
from ..operation_cache import PreparedDocument
from ..persisted import PersistedQueryError
from ..security import Security
from .connection import Connection


@dataclass(frozen=True)
class Admitted:
    principal: Principal
    prepared: PreparedDocument
    operation: OperationDefinitionNode


class Refused(Exception):
    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def refused(message: str, code: ErrorCode, **extensions: Any) -> Refused:
    return Refused([GraphQLError(message, extensions=coded(code, **extensions))])


async def admit(endpoint: GraphQLEndpoint, security: Security, connection: Connection,
                payload: Mapping[str, Any]) -> Admitted:
    """Raises Refused."""
    query, name = payload.get("query"), payload.get("operationName")
    variables, extensions = payload.get("variables") or {}, payload.get("extensions")
    if not isinstance(query, str | None) or not isinstance(name, str | None) \
            or not isinstance(variables, dict) or not isinstance(extensions, dict | None):
        raise refused("`query` and `operationName` must be strings, `variables` and `extensions` objects",
                      ErrorCode.BAD_REQUEST)
    principal = await _principal(security, connection)
    if await security.retry_after(principal, connection.request.remote or "-") is not None:
        raise refused("too many requests", ErrorCode.RATE_LIMITED)
    prepared = await _document(endpoint, security, principal, query, extensions)
    try:
        document = prepared.parsed()
        operation = chosen_operation(prepared.operations, name)
    except GraphQLError as error:
        raise Refused([error]) from None
    estate = await Estate.of(connection.request.app[REFERENCE_KEY], endpoint.settings.max_radius_km)
    schema = endpoint.schema._schema  # type: ignore[attr-defined]
    if problems := check(measure(document, schema, name, variables, estate), security.limits_for(principal)):
        raise Refused(problems)
    security.persisted.remember(query, extensions)
    return Admitted(principal, prepared, operation)


async def _principal(security: Security, connection: Connection) -> Principal:
    """The connection's credentials again: a token that expired since `connection_init` runs nothing more."""
    try:
        return await security.principal_of(connection.credentials)
    except AuthenticationError as error:
        raise refused(str(error), ErrorCode.UNAUTHENTICATED) from None


async def _document(endpoint: GraphQLEndpoint, security: Security, principal: Principal, query: str | None,
                    extensions: dict[str, Any] | None) -> PreparedDocument:
    await security.persisted.recall(query, extensions)
    try:
        text = security.persisted.resolve(query, extensions, endpoint.safelist_only(principal))
    except PersistedQueryError as error:
        raise refused(str(error), error.code) from None
    if text is None:
        raise refused("no GraphQL query found in the message", ErrorCode.BAD_REQUEST)
    return endpoint.operations.prepare(text)
