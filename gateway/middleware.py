"""HTTP middlewares: a request id on every request, CORS for kiosk web frontends, no stack traces out, and a
`Server` header that names no versions."""

import json
import logging
import re
import uuid
from collections.abc import MutableMapping

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .errors import ErrorCode, error_body

log = logging.getLogger("omnigate.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# what browser clients send: ours, W3C trace context, Apollo Client's client awareness and CSRF headers
CORS_HEADERS = ", ".join(("Content-Type", "Authorization", "X-Api-Key", "X-Request-Id", "X-Omnigate-Deadline-Ms",
                          "traceparent", "tracestate",
                          "apollographql-client-name", "apollographql-client-version", "apollo-require-preflight"))
CORS_EXPOSED = "X-Request-Id, Retry-After, WWW-Authenticate"
REQUEST_ID = web.RequestKey("request_id", str)
SERVER_NAME = "omnigate"


def request_id(request: web.Request) -> str:
    rid: str = request.get(REQUEST_ID, "-")
    return rid


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Keeps a caller's well-formed X-Request-Id (to join logs across hops), else makes one."""
    given = request.headers.get("X-Request-Id", "")
    request[REQUEST_ID] = given if _SAFE_ID.match(given) else uuid.uuid4().hex
    response = await handler(request)
    response.headers["X-Request-Id"] = request[REQUEST_ID]
    return response


@web.middleware
async def masked_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """An unexpected exception becomes a 500 naming the request id; the full error goes to the log."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except ConnectionResetError:
        log.debug("request %s: the client went away", request_id(request))  # nobody to answer, nothing broken
        raise
    except Exception:
        rid = request_id(request)
        log.exception("request %s failed", rid)
        body = error_body(f"Internal error (request id {rid})", ErrorCode.INTERNAL_SERVER_ERROR, requestId=rid)
        return web.Response(text=json.dumps(body), status=500, content_type="application/json")


async def server_name(_: web.Request, response: web.StreamResponse) -> None:
    """aiohttp would send `Server: Python/3.x aiohttp/3.x`, a map to known vulnerabilities. As a signal (not a
    middleware) this also reaches 404s, 405s and other HTTP exceptions; aiohttp's own 400 for a request it cannot
    parse never reaches the application (aiohttp issue #6463)."""
    response.headers["Server"] = SERVER_NAME


def cors(origins: tuple[str, ...]) -> Middleware:
    """Answers preflights and marks responses for the configured origins only (none by default).

    Error answers (401, 413, 429, 500) are marked too: a browser hides an unmarked answer from the app,
    which would then see a network failure instead of the error.
    """
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        allowed = origin is not None and ("*" in origins or origin.rstrip("/") in origins)
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            if not allowed:
                return web.Response(status=403, text="origin not allowed")
            response: web.StreamResponse = web.Response(status=204, headers={
                "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": CORS_HEADERS,
                "Access-Control-Max-Age": "600"})
        else:
            try:
                response = await handler(request)
            except web.HTTPException as error:
                if allowed and origin is not None:
                    _mark(error.headers, origin)
                raise
        if allowed and origin is not None:
            _mark(response.headers, origin)
        return response

    return middleware


def _mark(headers: MutableMapping[str, str], origin: str) -> None:
    headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
    headers["Vary"] = "Origin"
