"""The error codes clients see in `extensions.code`, and the one place an error's extensions are written.

Every code the gateway emits is a member of `ErrorCode`, and only `coded` puts one in a response: the
README's table of codes is checked against the enum, and tests/test_error_codes.py checks that no other
module writes a `code` key.
"""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    # refused at the HTTP edge, before any GraphQL ran
    BAD_REQUEST = "BAD_REQUEST"
    BATCHING_DISABLED = "BATCHING_DISABLED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    RATE_LIMITED = "RATE_LIMITED"
    OVERLOADED = "OVERLOADED"
    SUBSCRIPTION_LIMIT_EXCEEDED = "SUBSCRIPTION_LIMIT_EXCEEDED"
    SLOW_CONSUMER = "SLOW_CONSUMER"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    # the document, before it runs
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    PERSISTED_QUERY_NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    OPERATION_LIMIT_EXCEEDED = "OPERATION_LIMIT_EXCEEDED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    # while it runs
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    UPSTREAM_ERROR = "UPSTREAM_ERROR"
    WARMING_UP = "WARMING_UP"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class UserErrorCode(StrEnum):
    """Why a mutation did not do what was asked, in its payload's `userErrors` (the request itself succeeded)."""

    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    SERVICE_NOT_OFFERED = "SERVICE_NOT_OFFERED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    CONFLICT = "CONFLICT"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"


def coded(code: ErrorCode, **extensions: Any) -> dict[str, Any]:
    """An error's `extensions`: the code first, then whatever else the client may act on."""
    return {"code": code.value, **extensions}


def error_body(message: str, code: ErrorCode, **extensions: Any) -> dict[str, Any]:
    """A response holding one error and no data, in GraphQL's shape, for refusals outside GraphQL."""
    return {"errors": [{"message": message, "extensions": coded(code, **extensions)}]}


class GatewayError(Exception):
    """An error the client should see as is, with its code."""

    def __init__(self, message: str, code: ErrorCode, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = coded(code, **extensions)


def bad_input(message: str) -> GatewayError:
    return GatewayError(message, ErrorCode.BAD_USER_INPUT)
