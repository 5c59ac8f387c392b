"""Error codes, mapped once: every error leaves with `extensions.code`, none with a stack trace.

Resolvers raise `GatewayError`s or let connector errors through; `ErrorCodes`
turns the latter into `UPSTREAM_UNAVAILABLE` (or `UPSTREAM_TIMEOUT`) with the failing system as
`extensions.source` (as `partial` does for a field that still answers, adding
its errors here), gives request errors (parse, validation, variables that do
not fit their types) their codes, and replaces anything unexpected by
"Internal error" with the request id (logged in full). In production, request
errors name only what the request sent (see `redaction`).
"""

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult, StreamExecutionResult

from connectors.errors import ConnectorError, UpstreamTimeout, UpstreamUnavailable

from ..errors import ErrorCode, GatewayError, coded
from .redaction import redact, schema_type_names, sent_names

log = logging.getLogger("omnigate.errors")


def upstream_error(error: ConnectorError) -> GatewayError:
    """No upstream detail reaches the client: the code, the system, and a message naming only the system."""
    if isinstance(error, UpstreamTimeout):
        return GatewayError(f"{error.system} did not answer in time", ErrorCode.UPSTREAM_TIMEOUT, source=error.system)
    if isinstance(error, UpstreamUnavailable):
        return GatewayError(f"{error.system} is unavailable", ErrorCode.UPSTREAM_UNAVAILABLE, source=error.system)
    return GatewayError(f"{error.system} refused the request", ErrorCode.UPSTREAM_ERROR, source=error.system)


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        errors = [self._coded(e, request_id) for e in (result.errors or [])]
        errors += getattr(context, "partial_errors", [])
        result.errors = errors or None

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Over WebSocket a result is sent as it comes, before the operation ends: coded here, each one."""
        if isinstance(result, ExecutionResult):
            context = self.execution_context.context
            request_id = getattr(context, "request_id", "-")
            errors = [self._coded(e, request_id) for e in (result.errors or [])]
            partial: list[GraphQLError] = getattr(context, "partial_errors", [])
            errors += partial
            partial.clear()
            result.errors = errors or None
        yield

    def _coded(self, error: GraphQLError, request_id: str) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ConnectorError):
            log.warning("request %s: %s at %s", request_id, original, error.path)
            return _with(error, upstream_error(original))
        if isinstance(original, GatewayError) or (error.extensions or {}).get("code"):
            return error
        if error.path is None and (original is None or isinstance(original, GraphQLError)):
            return self._request_error(error)
        log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
        return GraphQLError(f"Internal error (request id {request_id})", error.nodes, error.source,
                            error.positions, error.path,
                            extensions=coded(ErrorCode.INTERNAL_SERVER_ERROR, requestId=request_id))

    def _request_error(self, error: GraphQLError) -> GraphQLError:
        """Raised before any resolver ran: the document does not parse or validate, or a variable does not fit
        its type (graphql-core then keeps the coercion error as the original)."""
        if error.original_error is not None:
            code = ErrorCode.BAD_USER_INPUT
        elif error.message.startswith("Syntax Error"):
            code = ErrorCode.GRAPHQL_PARSE_FAILED
        else:
            code = ErrorCode.GRAPHQL_VALIDATION_FAILED
        message = self._redacted(error.message) if _production(self.execution_context.context) else error.message
        return GraphQLError(message, error.nodes, error.source, error.positions, error.path,
                            extensions=coded(code))

    def _redacted(self, message: str) -> str:
        execution = self.execution_context
        sent = sent_names(execution.query or "", execution.variables)
        return redact(message, sent, schema_type_names(execution.schema._schema))


def _production(context: Any) -> bool:
    return bool(getattr(getattr(context, "settings", None), "is_production", False))


def _with(error: GraphQLError, mapped: GatewayError) -> GraphQLError:
    return GraphQLError(str(mapped), error.nodes, error.source, error.positions, error.path,
                        extensions=mapped.extensions)
