"""The CRM simulator: the Salesforce REST API (v60.0) subset of the sheet, over the demo world.

Served under `/crm`; the paths it returns (`nextRecordsUrl`, `attributes.url`) stay root-relative,
as Salesforce's are relative to the instance URL. Every REST response carries `Sforce-Limit-Info`.
"""

import base64
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Mapping

from aiohttp import web

from connectors.credentials import DEMO_CREDENTIALS, Credentials
from simulators.base import Simulator
from simulators.control import Control, Handler
from simulators.openapi import crm as crm_openapi
from simulators.openapi.builder import OPENAPI_ROUTE, ApiDescription
from simulators.world import World

from .calls import Call, Endpoint, Org, Reply, invoke
from .composite import composite
from .errors import ApiError, Json, json_parser_error, not_found
from .routes import ROUTES
from .schema import API
from .usage import DAILY_API_REQUESTS, EXCEEDED_MESSAGE, ApiUsage

TOKEN_PATH = "/services/oauth2/token"
TOKEN_ROUTE = "oauth2-token"
IDENTITY = "https://login.salesforce.com/id/00DOG0000000001AAA/005OG0000000001AAA"
REQUEST_LIMIT = 16_384  # URI + headers, bytes
ERROR_CODES = {401: "INVALID_SESSION_ID", 403: "REQUEST_LIMIT_EXCEEDED", 404: "NOT_FOUND", 500: "UNKNOWN_EXCEPTION"}
MAINTENANCE_PAGE = "<html><head><title>Maintenance</title></head><body><h1>{}</h1></body></html>"


class CrmSimulator(Simulator):
    system = "crm"

    def __init__(self, world: World, credentials: Credentials = DEMO_CREDENTIALS,
                 control: Control | None = None, daily_api_requests: int = DAILY_API_REQUESTS) -> None:
        super().__init__(world, credentials, control)
        self.org = Org(world)
        self.usage = ApiUsage(daily_api_requests)
        self._error_ids = itertools.count(1)

    def add_routes(self, app: web.Application) -> None:
        app.middlewares.append(self._metered)
        app.middlewares.append(_unknown_resource)
        for route in ROUTES:
            app.router.add_route(route.method, API + route.path, self._handler(route.endpoint))
        app.router.add_post(API + "/composite", self._handler(composite))
        app.router.add_post(TOKEN_PATH, self._token, name=TOKEN_ROUTE)

    def api_description(self) -> ApiDescription:
        return crm_openapi.DESCRIPTION

    def error_response(self, status: int, message: str) -> web.Response:
        """Salesforce's error array; a 503 (maintenance) comes as an HTML page, as the real one may."""
        if status == 503:
            return web.Response(status=503, text=MAINTENANCE_PAGE.format(message), content_type="text/html")
        if status == 500:
            message = ("An unexpected error occurred. Please include this ErrorId if you contact support: "
                       f"{next(self._error_ids):010d}-{status} ({message})")
        return _json(status, [{"message": message, "errorCode": ERROR_CODES.get(status, "UNKNOWN_EXCEPTION")}])

    def refuse(self, request: web.Request) -> web.Response | None:
        """The front door: the URI and header size limit first, then the session token (the token call needs none)."""
        oversized = _oversized(request)
        if oversized or request.match_info.route.name == TOKEN_ROUTE:
            return oversized
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme and scheme.lower() not in ("bearer", "oauth"):
            return _unauthorized("INVALID_HEADER_TYPE", "INVALID_AUTH_HEADER")
        if token.strip() != self.credentials.crm_token:
            return _unauthorized("Session expired or invalid", "INVALID_SESSION_ID")
        return None

    @web.middleware
    async def _metered(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Counts each REST call against the org's allocation and tells the caller where it stands."""
        if request.match_info.route.name in (TOKEN_ROUTE, OPENAPI_ROUTE):
            return await handler(request)
        if self.usage.take():
            response = await handler(request)
        else:
            response = _json(403, [{"message": EXCEEDED_MESSAGE, "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
        response.headers.update(self.usage.header())
        return response

    def _handler(self, endpoint: Endpoint) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            try:
                call = Call(dict(request.match_info), request.query, request.headers, await _body(request))
            except ApiError as error:
                return _json(error.status, error.body())
            return _respond(invoke(endpoint, self.org, call))

        return handle

    async def _token(self, request: web.Request) -> web.Response:
        """OAuth 2.0 client credentials: any client is accepted and given the configured token."""
        form = await request.post()
        if form.get("grant_type") != "client_credentials":
            return _json(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        if not form.get("client_id") or not form.get("client_secret"):
            return _json(400, {"error": "invalid_client_id", "error_description": "client identifier invalid"})
        issued = str(int(time.time() * 1000))
        token = self.credentials.crm_token
        signature = hmac.new(token.encode(), (IDENTITY + issued).encode(), hashlib.sha256).digest()
        return _json(200, {"access_token": token, "instance_url": f"{request.url.origin()}{self.prefix}",
                           "id": IDENTITY, "token_type": "Bearer", "issued_at": issued,
                           "signature": base64.b64encode(signature).decode()})


async def _body(request: web.Request) -> object:
    raw = await request.read() if request.body_exists else b""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        line, column = (error.lineno, error.colno) if isinstance(error, json.JSONDecodeError) else (1, 1)
        raise json_parser_error(f"Unexpected character: {detail} at [line:{line}, column:{column}]") from None


def _respond(reply: Reply) -> web.Response:
    if reply.status == 204:
        return web.Response(status=204, headers=reply.headers)
    return _json(reply.status, reply.body, reply.headers)


def _json(status: int, body: Json, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers)


def _unauthorized(message: str, code: str) -> web.Response:
    return _json(401, [{"message": message, "errorCode": code}], {"WWW-Authenticate": "Token"})


def _oversized(request: web.Request) -> web.Response | None:
    """URI + headers over 16,384 bytes: 414 when the URI is the larger part, else 431 (plain-text bodies)."""
    uri = len(request.raw_path.encode())
    headers = sum(len(name) + len(value) + 4 for name, value in request.raw_headers)
    if uri + headers <= REQUEST_LIMIT:
        return None
    status = 414 if uri > headers else 431
    return web.Response(status=status, text="URI Too Long" if status == 414 else "Request Header Fields Too Large")


@web.middleware
async def _unknown_resource(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unknown paths and methods answer in Salesforce's JSON, not aiohttp's plain text."""
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed as error:
        allowed = ",".join(sorted(error.allowed_methods))
        return _json(405, [{"errorCode": "METHOD_NOT_ALLOWED",
                            "message": f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}"}])
    except web.HTTPNotFound:
        return _json(404, not_found().body())
