"""Square's error shape: every failure is `{"errors": [{category, code, detail, field?}]}`."""

from typing import Any

from aiohttp import web

Json = dict[str, Any]

INVALID_REQUEST = "INVALID_REQUEST_ERROR"

# status -> (category, code) used when only a status is known (injected faults, unknown paths).
_BY_STATUS: dict[int, tuple[str, str]] = {
    400: (INVALID_REQUEST, "BAD_REQUEST"),
    401: ("AUTHENTICATION_ERROR", "UNAUTHORIZED"),
    403: ("AUTHENTICATION_ERROR", "FORBIDDEN"),
    404: (INVALID_REQUEST, "NOT_FOUND"),
    409: (INVALID_REQUEST, "CONFLICT"),
    429: ("RATE_LIMIT_ERROR", "RATE_LIMITED"),
    500: ("API_ERROR", "INTERNAL_SERVER_ERROR"),
    503: ("API_ERROR", "SERVICE_UNAVAILABLE"),
    504: ("API_ERROR", "GATEWAY_TIMEOUT"),
}


class SquareError(Exception):
    """Raised anywhere in a handler; the simulator turns it into the error body and status."""

    def __init__(self, status: int, code: str, detail: str, field: str | None = None,
                 category: str = INVALID_REQUEST) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field, self.category = status, code, detail, field, category

    def error_json(self) -> Json:
        """The one error; bulk calls put it in their per-item answers inside a 200."""
        error: Json = {"category": self.category, "code": self.code, "detail": self.detail}
        if self.field is not None:
            error["field"] = self.field
        return error

    def response(self) -> web.Response:
        return web.json_response({"errors": [self.error_json()]}, status=self.status)


def bad_request(code: str, detail: str, field: str | None = None) -> SquareError:
    return SquareError(400, code, detail, field)


def invalid(detail: str, field: str | None = None) -> SquareError:
    return SquareError(400, "INVALID_VALUE", detail, field)


def not_found(detail: str, field: str | None = None) -> SquareError:
    return SquareError(404, "NOT_FOUND", detail, field)


def for_status(status: int, detail: str) -> SquareError:
    category, code = _BY_STATUS.get(status, ("API_ERROR", "INTERNAL_SERVER_ERROR"))
    return SquareError(status, code, detail, category=category)
