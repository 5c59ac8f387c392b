"""The WebSocket side of `/graphql`: strawberry's aiohttp view, for upgrade requests only (every other request
goes to the HTTP endpoint, `graphql_http`), with the connection's credentials, caps, pings and bounds.

Credentials come in `connection_init`'s payload as HTTP headers would carry them (`Authorization: Bearer …` or
`X-Api-Key`), else from the upgrade request's headers; a bad one closes the connection (4403, or
`connection_error` in the legacy protocol). A client that stops reading is let go: a message the socket could
not take within `OMNIGATE_WS_SEND_TIMEOUT_S` drops the connection, and a subscription that fell
`OMNIGATE_WS_SUBSCRIPTION_BUFFER` events behind ends with `SLOW_CONSUMER`, after which the connection closes.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from aiohttp import web
from strawberry.aiohttp.views import AiohttpWebSocketAdapter, GraphQLView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from ..appkeys import METRICS_KEY, SECURITY_KEY
from ..auth.principals import AuthenticationError
from ..errors import ErrorCode, coded
from ..graphql_http import GraphQLEndpoint
from ..security import API_KEY_HEADER
from .connection import Connection, Connections
from .handlers import LegacyWsHandler, TransportWsHandler

CREDENTIALS = ("Authorization", API_KEY_HEADER)
TOO_MANY = 4429  # graphql-ws's "too many requests" range: the principal holds as many connections as it may
TRY_AGAIN_LATER = 1013  # RFC 6455: the subscriber was let go for reading too slowly
CONNECTION_KEY = web.RequestKey("websocket", Connection)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BoundedSends(AiohttpWebSocketAdapter):
    """Sends that wait for a slow client only so long, and the close after a `SLOW_CONSUMER` completes."""

    def __init__(self, view: "LiveView", request: web.Request, ws: web.WebSocketResponse) -> None:
        super().__init__(view, request, ws)
        self.timeout_s = view.endpoint.settings.ws_send_timeout_s
        self.let_go: set[object] = set()

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await asyncio.wait_for(super().send_json(message), self.timeout_s)
        except TimeoutError:
            if self.request.transport is not None:
                self.request.transport.abort()
            raise WebSocketDisconnected from None
        if _carries(message, ErrorCode.SLOW_CONSUMER):
            self.let_go.add(message.get("id"))
        elif message.get("type") == "complete" and message.get("id") in self.let_go:
            await self.ws.close(code=TRY_AGAIN_LATER, message=b"the subscriber read too slowly")


def _carries(message: Mapping[str, object], code: ErrorCode) -> bool:
    payload = message.get("payload")
    errors = payload.get("errors") if isinstance(payload, dict) else None
    return isinstance(errors, list) and any(
        isinstance(e, dict) and isinstance(e.get("extensions"), dict) and e["extensions"].get("code") == code
        for e in errors)


class LiveView(GraphQLView[Any, None]):
    graphql_transport_ws_handler_class = TransportWsHandler
    graphql_ws_handler_class = LegacyWsHandler
    websocket_adapter_class = BoundedSends  # type: ignore[assignment]

    def __init__(self, endpoint: GraphQLEndpoint, connections: Connections) -> None:
        settings = endpoint.settings
        super().__init__(endpoint.schema, graphql_ide=None, keep_alive=True,
                         keep_alive_interval=settings.ws_keepalive_s,
                         connection_init_wait_timeout=timedelta(seconds=settings.header_timeout_s),
                         max_subscriptions_per_connection=None,  # ours, with a code: handlers.Admitting
                         allowed_origins=settings.cors_origins)
        self.endpoint = endpoint
        self.connections = connections

    async def create_websocket_response(self, request: web.Request, subprotocol: str | None) -> web.WebSocketResponse:
        settings = self.endpoint.settings
        ws = web.WebSocketResponse(protocols=[subprotocol] if subprotocol else [], heartbeat=settings.ws_keepalive_s,
                                   max_msg_size=settings.max_body_bytes)
        await ws.prepare(request)
        return ws

    async def get_context(self, request: web.Request, response: Any) -> Any:
        connection = Connection(request, response)
        request[CONNECTION_KEY] = connection
        self.connections.opened(connection)
        request.app[METRICS_KEY].websockets_open.inc()
        return connection

    async def on_ws_connect(self, context: Any) -> UnsetType:
        connection: Connection = context
        connection.credentials = _credentials(connection)
        try:
            connection.principal = await connection.request.app[SECURITY_KEY].principal_of(connection.credentials)
        except AuthenticationError as error:
            raise ConnectionRejectionError({"message": str(error),
                                            "extensions": coded(ErrorCode.UNAUTHENTICATED)}) from None
        if not self.connections.admit(connection):
            most = self.endpoint.settings.ws_connections_per_principal
            message = f"these credentials hold {most} connections already"
            if connection.socket.ws_protocol == GRAPHQL_TRANSPORT_WS_PROTOCOL:
                await connection.socket.close(code=TOO_MANY, message=message.encode())
            raise ConnectionRejectionError({"message": message, "extensions": coded(
                ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, limit="connectionsPerPrincipal", max=most)})
        return UnsetType()  # the ack without a payload

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        try:
            return await super().__call__(request)
        finally:
            connection = request.get(CONNECTION_KEY)
            if isinstance(connection, Connection):
                self.connections.closed(connection)
                request.app[METRICS_KEY].websockets_open.dec()


def _credentials(connection: Connection) -> dict[str, str]:
    """The payload's, when it names any (header names are case-insensitive there too), else the handshake's."""
    params = connection.connection_params or {}
    sent = {name: value for name in CREDENTIALS for key, value in params.items()
            if isinstance(key, str) and key.lower() == name.lower() and isinstance(value, str)}
    if sent:
        return sent
    headers = connection.request.headers
    return {name: headers[name] for name in CREDENTIALS if name in headers}


def upgrade_or(http: Handler, view: LiveView) -> Handler:
    """GET /graphql: a WebSocket handshake goes to the view, anything else to the HTTP endpoint as before."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if view.is_websocket_request(request):
            return await view(request)
        return await http(request)

    return handle
