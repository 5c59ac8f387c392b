"""Salesforce error bodies turned into messages, and the one 403 that means "come back later".

Salesforce answers a failed request with a JSON array of `{"message", "errorCode"}`
(composite subrequests carry the same array in their `body`). Its rate limit is a
403 `REQUEST_LIMIT_EXCEEDED`, not a 429, while `INSUFFICIENT_ACCESS` is a 403 too:
only the error code tells them apart, so `classify` reads it before the status table does.
"""

from typing import Any

from connectors.errors import ConnectorError, RateLimited

RATE_LIMIT_CODE = "REQUEST_LIMIT_EXCEEDED"


def error_codes(body: Any) -> list[tuple[str, str]]:
    """(errorCode, message) of each entry of a Salesforce error array; [] for any other body."""
    if not isinstance(body, list):
        return []
    return [(str(e.get("errorCode", "")), str(e.get("message", ""))) for e in body if isinstance(e, dict)]


def read_error(status: int, body: Any) -> str:
    """The ErrorReader of UpstreamClient: `CODE: message; …`, or the bare status for non-JSON bodies."""
    return "; ".join(f"{code}: {text}" for code, text in error_codes(body)) or f"HTTP {status}"


def classify(status: int, body: Any) -> type[ConnectorError] | None:
    """The Classifier of UpstreamClient: REQUEST_LIMIT_EXCEEDED is a rate limit (the sheet: it opens the breaker)."""
    if status == 403 and any(code == RATE_LIMIT_CODE for code, _ in error_codes(body)):
        return RateLimited
    return None
