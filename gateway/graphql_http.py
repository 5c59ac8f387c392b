"""GraphQL over HTTP: the `/graphql` endpoint, from request bytes to a response with the right status.

Follows the GraphQL-over-HTTP spec: POST with `application/json` only (a form
post cannot forge a query: CSRF), GET for queries only (a mutation over GET is
405), and with `Accept: application/graphql-response+json` a request error
(parse, validation, limits) answers 4xx while an executed operation answers 200.
"""

import json
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from strawberry.schema import BaseSchema

from connectors.resilience.deadline import deadline_in

from .appkeys import ADMISSION_KEY, BACKENDS_KEY, CLOCK_KEY, LIVE_KEY, REFERENCE_KEY, SECURITY_KEY
from .auth.principals import AuthenticationError, Principal, Role
from .cache import FRESHNESS, STALE, Freshness, StaleAnswers
from .context import Context
from .cost import Estate
from .errors import ErrorCode, coded, error_body
from .http.admission import RETRY_AFTER_S, Overloaded
from .http.body import read_body
from .ide import ide_response
from .limits import OperationLimits, check, measure
from .middleware import request_id
from .observability.record import current
from .operation_cache import OperationCache, PreparedDocument, executing, observe
from .persisted import PersistedQueryError
from .response_cache import RESPONSE_CACHE_LABEL, Plan, ResponseCache
from .security import Security
from .settings import Settings
from .telemetry import operation_span

GRAPHQL_RESPONSE = "application/graphql-response+json"
DEADLINE_HEADER = "X-Omnigate-Deadline-Ms"
_MILLISECONDS = re.compile(r"[0-9]{1,9}")  # ASCII digits only (str.isdigit also takes "²", which int() refuses)
JSON = "application/json"
# a document that failed these was never valid: it is not remembered for persisted-query replays
_DOCUMENT_ERRORS = (ErrorCode.GRAPHQL_PARSE_FAILED.value, ErrorCode.GRAPHQL_VALIDATION_FAILED.value)


class HttpError(Exception):
    """Refused before any GraphQL ran: the status and one error with a code."""

    def __init__(self, status: int, message: str, code: ErrorCode, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, dict(headers or {})


@dataclass(frozen=True)
class Operation:
    query: str | None
    variables: dict[str, Any]
    operation_name: str | None
    extensions: dict[str, Any] | None


@dataclass(frozen=True)
class Ready:
    """An operation chosen, measured and within its caller's limits: what execution needs of the checks."""

    op: Operation
    prepared: PreparedDocument
    operation: OperationDefinitionNode
    cost: int
    request_error: int  # the status of an operation that could not run


class GraphQLEndpoint:
    def __init__(self, settings: Settings, schema: BaseSchema, limits: OperationLimits,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.schema = schema
        self.operations = OperationCache(settings.operation_cache_size, limits)
        self.responses = ResponseCache(settings, clock)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        media = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in request.headers.get("Accept", "") else JSON
        if self._wants_ide(request):
            return ide_response(request)
        record = current()
        if record is not None:
            record.graphql = True
        try:
            async with request.app[ADMISSION_KEY].slot():
                return await self._serve(request, media)
        except Overloaded:
            _outcome("overloaded")
            return _json(error_body("the gateway is busy: try again shortly", ErrorCode.OVERLOADED), 503, media,
                         {"Retry-After": str(RETRY_AFTER_S)})
        except HttpError as error:
            _outcome("refused")
            return _json(error_body(str(error), error.code), error.status, media, error.headers)

    def _wants_ide(self, request: web.Request) -> bool:
        return (request.method == "GET" and not self.settings.is_production and "query" not in request.query
                and "extensions" not in request.query and "text/html" in request.headers.get("Accept", ""))

    async def _serve(self, request: web.Request, media: str) -> web.Response:
        security = request.app[SECURITY_KEY]
        operations = await _read_operations(request, self.settings)
        with deadline_in(self._deadline_s(request)):
            return await self._serve_within_deadline(request, security, operations, media)

    def _deadline_s(self, request: web.Request) -> float:
        """The request's deadline, from when its body is read: the setting, or less if the client asks.

        A client that gives up after 800 ms gains nothing from an answer at 3 s, and a back office gains
        from not being asked: `X-Omnigate-Deadline-Ms: 800`. More than the setting is capped to it.
        """
        asked = request.headers.get(DEADLINE_HEADER)
        if asked is None:
            return self.settings.request_deadline_s
        if not _MILLISECONDS.fullmatch(asked.strip()) or int(asked) == 0:
            raise HttpError(400, f"{DEADLINE_HEADER} must be a positive whole number of milliseconds, got "
                            f"{asked[:20]!r}", ErrorCode.BAD_USER_INPUT)
        return min(self.settings.request_deadline_s, int(asked) / 1000)

    async def _serve_within_deadline(self, request: web.Request, security: Security,
                                     operations: Operation | list[Operation], media: str) -> web.Response:
        principal = await _authenticate(security, request)
        if (record := current()) is not None:
            record.role = principal.role.value
        wait = await security.retry_after(principal, request.remote or "-")
        if wait is not None:
            raise HttpError(429, "too many requests", ErrorCode.RATE_LIMITED,
                            {"Retry-After": str(max(1, math.ceil(wait)))})
        if isinstance(operations, list):
            results = [await self._run(request, security, principal, o, media) for o in operations]
            return _json([body for body, _ in results], 200, media)
        body, status = await self._run(request, security, principal, operations, media)
        return _json(body, status, media)

    async def _run(self, request: web.Request, security: Security, principal: Principal, op: Operation,
                   media: str) -> tuple[dict[str, Any], int]:
        """The response body of one operation and its status under `media`.

        Limits are measured on the operation that will run, so every way of choosing it (POST, GET, a
        persisted hash, one item of a batch) passes the same checks.
        """
        request_error = 400 if media == GRAPHQL_RESPONSE else 200
        await security.persisted.recall(op.query, op.extensions)
        try:
            document_text = security.persisted.resolve(op.query, op.extensions, self.safelist_only(principal))
        except PersistedQueryError as error:
            _outcome("rejected")
            return _errors([GraphQLError(str(error), extensions=coded(error.code))]), request_error
        if document_text is None:
            raise HttpError(400, "no GraphQL query found in the request", ErrorCode.BAD_REQUEST)
        prepared = self.operations.prepare(document_text)
        try:
            document = prepared.parsed()
            operation = chosen_operation(prepared.operations, op.operation_name)
        except GraphQLError as error:
            _outcome("rejected")
            return _errors([error]), request_error
        _refuse_mutation_over_get(request, operation)
        _chosen(operation)
        estate = await Estate.of(request.app[REFERENCE_KEY], self.settings.max_radius_km)
        measured = measure(document, self.schema._schema, op.operation_name, op.variables, estate)  # type: ignore[attr-defined]
        if problems := check(measured, security.limits_for(principal)):
            _outcome("rejected")
            return _errors(problems), request_error
        plan = self.responses.plan(self.schema._schema, prepared.text, document, operation, principal)  # type: ignore[attr-defined]
        kept = self.responses.lookup(plan, op.variables) if plan is not None else None
        if plan is not None:
            observe(RESPONSE_CACHE_LABEL, kept is not None)
        if kept is not None:
            security.persisted.remember(op.query, op.extensions)
            _outcome("ok")
            return kept, 200
        ready = Ready(op, prepared, operation, measured.cost, request_error)
        try:
            return await self._execute(request, security, principal, ready, plan)
        finally:
            if operation.operation is OperationType.MUTATION:
                self.responses.written()

    async def _execute(self, request: web.Request, security: Security, principal: Principal, ready: "Ready",
                       plan: Plan | None) -> tuple[dict[str, Any], int]:
        """Runs an operation that passed every check; keeps the answer when `plan` says it may be reused."""
        op, prepared, operation = ready.op, ready.prepared, ready.operation
        app = request.app
        context = Context.create(self.settings, app[BACKENDS_KEY], app[REFERENCE_KEY], app[LIVE_KEY], principal,
                                 request_id(request), app[CLOCK_KEY]())
        stale, freshness = StaleAnswers(), Freshness()
        stale_token, fresh_token = STALE.set(stale), FRESHNESS.set(freshness)
        generation = self.responses.generation
        try:
            with operation_span(operation.name.value if operation.name else None, operation.operation.value,
                                prepared.text), self._prepared(prepared):
                result = await self.schema.execute(prepared.text, variable_values=op.variables,
                                                   context_value=context, operation_name=op.operation_name)
        finally:
            STALE.reset(stale_token)
            FRESHNESS.reset(fresh_token)
        context.audit.flush(principal, context.request_id)
        errors = result.errors or []
        if not any(_code(e) in _DOCUMENT_ERRORS for e in errors):
            security.persisted.remember(op.query, op.extensions)
        executed = result.data is not None or any(e.path is not None for e in errors)
        body: dict[str, Any] = {"errors": [e.formatted for e in errors]} if errors else {}
        if executed:
            body["data"] = result.data  # null when an error reached a non-null root field
        extensions = stale.extensions()
        if not self.settings.is_production:
            extensions["cost"] = ready.cost
        if extensions:
            body["extensions"] = extensions
        _outcome(("partial" if errors else "ok") if executed else "rejected")
        if plan is not None and executed:
            self.responses.keep(plan, op.variables, body, freshness.remaining_s, generation)
        return body, 200 if executed else ready.request_error

    def _prepared(self, prepared: PreparedDocument) -> AbstractContextManager[None]:
        """With the cache off, strawberry parses and validates the document itself, as it did before the cache."""
        return executing(prepared) if self.operations.enabled else nullcontext()

    def safelist_only(self, principal: Principal) -> bool:
        """A key may be limited to the safelist; the strong option limits every anonymous caller too."""
        anonymous = principal.role is Role.ANONYMOUS
        return principal.safelist_only or (anonymous and self.settings.anonymous_safelist_only)


async def _authenticate(security: Security, request: web.Request) -> Principal:
    try:
        return await security.principal(request)
    except AuthenticationError as error:
        raise HttpError(401, str(error), ErrorCode.UNAUTHENTICATED,
                        {"WWW-Authenticate": 'Bearer realm="omnigate"'}) from None


async def _read_operations(request: web.Request, settings: Settings) -> Operation | list[Operation]:
    if request.method == "GET":
        return _operation({k: request.query[k] for k in ("query", "variables", "operationName", "extensions")
                           if k in request.query}, from_query_string=True)
    if request.content_type != JSON:
        raise HttpError(415, "POST /graphql takes `Content-Type: application/json`", ErrorCode.UNSUPPORTED_MEDIA_TYPE)
    try:
        body = await read_body(request, settings.body_timeout_s)
    except web.HTTPRequestEntityTooLarge:
        raise HttpError(413, f"the body is over {settings.max_body_bytes} bytes", ErrorCode.PAYLOAD_TOO_LARGE) from None
    data = _json_value(body, "the body")
    if isinstance(data, list):
        if not settings.allow_batching:
            raise HttpError(400, "batched requests are not enabled", ErrorCode.BATCHING_DISABLED)
        if not data or len(data) > settings.max_batch:
            raise HttpError(400, f"a batch holds 1 to {settings.max_batch} operations", ErrorCode.BAD_REQUEST)
        return [_operation(item) for item in data]
    return _operation(data)


def _operation(data: Any, from_query_string: bool = False) -> Operation:
    if not isinstance(data, dict):
        raise HttpError(400, "expected a JSON object with a `query`", ErrorCode.BAD_REQUEST)
    variables, extensions = data.get("variables"), data.get("extensions")
    if from_query_string:
        variables, extensions = _json_param(variables, "variables"), _json_param(extensions, "extensions")
    query, name = data.get("query"), data.get("operationName")
    if not isinstance(query, str | None) or not isinstance(name, str | None):
        raise HttpError(400, "`query` and `operationName` must be strings", ErrorCode.BAD_REQUEST)
    if not isinstance(variables, dict | None) or not isinstance(extensions, dict | None):
        raise HttpError(400, "`variables` and `extensions` must be objects", ErrorCode.BAD_REQUEST)
    return Operation(query, variables or {}, name, extensions)


def _json_param(value: str | None, name: str) -> Any:
    return None if value is None else _json_value(value, f"`{name}`")


def _json_value(text: str | bytes, what: str) -> Any:
    """Python's parser recurses once per level: thousands of `[` are the client's mistake, not a crash. (Not
    orjson: it reads integers past 64 bits as floats, and the check that would catch them costs more than it
    saves on a request body: bench/README.md.)"""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HttpError(400, f"{what} is not valid JSON", ErrorCode.BAD_REQUEST) from None
    except RecursionError:
        raise HttpError(400, f"{what} is nested too deeply", ErrorCode.BAD_REQUEST) from None


def chosen_operation(operations: Sequence[OperationDefinitionNode], name: str | None) -> OperationDefinitionNode:
    """The operation that will run, as the GraphQL spec's GetOperation picks it, among the document's operations.

    Raises a request error when there is none to pick: graphql-core would otherwise run the first
    of several operations, past limits measured on none of them. Chosen on every request, cached or not.
    """
    if name is None:
        if len(operations) == 1:
            return operations[0]
        message = "the document holds no operation" if not operations \
            else "the document holds several operations: say which to run with `operationName`"
        raise GraphQLError(message, extensions=coded(ErrorCode.BAD_USER_INPUT))
    found = next((o for o in operations if o.name and o.name.value == name), None)
    if found is None:
        raise GraphQLError(f"the document holds no operation named {name!r}",
                           extensions=coded(ErrorCode.BAD_USER_INPUT))
    return found


def _refuse_mutation_over_get(request: web.Request, operation: OperationDefinitionNode) -> None:
    if request.method == "GET" and operation.operation is not OperationType.QUERY:
        raise HttpError(405, "only queries may be sent with GET; use POST", ErrorCode.METHOD_NOT_ALLOWED,
                        {"Allow": "POST"})


def _chosen(operation: OperationDefinitionNode) -> None:
    """The request's record names the operation (the first, for a batch)."""
    record = current()
    if record is not None and record.operation_type is None:
        record.operation = operation.name.value if operation.name else None
        record.operation_type = operation.operation.value


def _outcome(outcome: str) -> None:
    """The worst outcome of the request's operations (a batch's too) goes on its record."""
    record = current()
    if record is not None and (record.outcome is None or _RANK.index(outcome) > _RANK.index(record.outcome)):
        record.outcome = outcome


_RANK = ("ok", "partial", "rejected", "refused", "overloaded")


def _code(error: GraphQLError) -> object:
    return (error.extensions or {}).get("code")


def _errors(errors: list[GraphQLError]) -> dict[str, Any]:
    return {"errors": [e.formatted for e in errors]}


def _json(body: Any, status: int, media: str, headers: Mapping[str, str] | None = None) -> web.Response:
    """orjson writes UTF-8 rather than `\\u` escapes; what it cannot write (an int past 64 bits) Python's does."""
    try:
        encoded = orjson.dumps(body)
    except orjson.JSONEncodeError:
        encoded = json.dumps(body).encode()
    return web.Response(body=encoded, status=status, headers=headers, content_type=media, charset="utf-8")

