"""Salesforce error bodies turned into messages, and the one 4xx that means "come back later".

Salesforce answers a failed request with a JSON array of `{"message", "errorCode"}`
(composite subrequests carry the same array in their `body`). Its rate limit is a
403 `REQUEST_LIMIT_EXCEEDED`, not a 429, while `INSUFFICIENT_ACCESS` is a 403 too:
only the error code tells them apart.
"""

from typing import Any

from connectors.errors import (
    ConnectorError,
    UpstreamAuthFailed,
    UpstreamNotFound,
    UpstreamRejected,
    UpstreamUnavailable,
)

RATE_LIMIT_CODE = "REQUEST_LIMIT_EXCEEDED"


class RequestLimitExceeded(Exception):
    """The org's API limit is spent: the system is unavailable for now, our credential is fine.

    Deliberately not a ConnectorError: `read_error` raises it from inside UpstreamClient,
    which would otherwise call every 403 an auth failure (and would retry an
    UpstreamUnavailable); SalesforceRest turns it into UpstreamUnavailable and opens the breaker.
    """


def error_codes(body: Any) -> list[tuple[str, str]]:
    """(errorCode, message) of each entry of a Salesforce error array; [] for any other body."""
    if not isinstance(body, list):
        return []
    return [(str(e.get("errorCode", "")), str(e.get("message", ""))) for e in body if isinstance(e, dict)]


def read_error(status: int, body: Any) -> str:
    """The ErrorReader of UpstreamClient: `CODE: message; …`, or the bare status for non-JSON bodies."""
    errors = error_codes(body)
    message = "; ".join(f"{code}: {text}" for code, text in errors) or f"HTTP {status}"
    if status == 403 and any(code == RATE_LIMIT_CODE for code, _ in errors):
        raise RequestLimitExceeded(message)
    return message


def subrequest_error(system: str, status: int, body: Any) -> ConnectorError:
    """The error tree for a failed composite subrequest, with the statuses UpstreamClient uses."""
    message = read_error(status, body)
    if status in (401, 403):
        return UpstreamAuthFailed(system, message, status)
    if status == 404:
        return UpstreamNotFound(system, message, status)
    if status == 429 or status >= 500:
        return UpstreamUnavailable(system, message, status)
    return UpstreamRejected(system, message, status)
