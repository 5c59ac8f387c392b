"""Strawberry's two protocol handlers, with what Omnigate adds before an operation starts: its checks
(`admission`), the cap on operations per connection, and a context of its own for each operation.

Strawberry runs each operation in a task it creates and hands it the handler's `context`: the operation's
context is put in a context variable around that creation, so the task (which copies the variables) sees its
own while the handler keeps the connection's.
"""

import asyncio
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLError, OperationType
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage as TransportError
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ErrorMessage as LegacyError
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from ..appkeys import SECURITY_KEY
from ..context import Context
from ..errors import ErrorCode
from ..graphql_http import GraphQLEndpoint
from ..operation_cache import executing
from ..telemetry import operation_span_started
from .admission import Admitted, Refused, admit, refused
from .connection import Connection
from .operation import OperationStreaming

_OPERATION: ContextVar[Context | None] = ContextVar("websocket_operation", default=None)


class Admitting:
    """What both protocols share; the view (`self.view`) holds the endpoint and the cap."""

    view: Any
    _connection: Connection

    @property
    def endpoint(self) -> GraphQLEndpoint:
        endpoint: GraphQLEndpoint = self.view.endpoint
        return endpoint

    def live_tasks(self) -> list["asyncio.Task[Any]"]:
        raise NotImplementedError

    @property
    def context(self) -> Any:
        """The running operation's context inside its task; the connection anywhere else."""
        return _OPERATION.get() or self._connection

    @context.setter
    def context(self, value: Connection) -> None:
        self._connection = value
        value.tasks = self.live_tasks

    async def admitted(self, payload: Any, running: int) -> Admitted:
        """Raises Refused."""
        most = self.endpoint.settings.ws_subscriptions_per_connection
        if running >= most:
            raise refused(f"this connection runs {most} operations already: complete one first",
                          ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, limit="subscriptionsPerConnection", max=most)
        connection = self._connection
        return await admit(self.endpoint, connection.request.app[SECURITY_KEY], connection,
                           payload if isinstance(payload, dict) else {})

    @contextmanager
    def running(self, admitted: Admitted, payload: dict[str, Any]) -> Iterator[Callable[[], None]]:
        """Around strawberry's start of the operation: its own context, the document prepared once, and its span
        (current in the block; the yielded function ends it)."""
        payload["query"] = admitted.prepared.text  # the same object, so strawberry takes the prepared document
        streaming = OperationStreaming(self._connection.request.app, uuid.uuid4().hex)
        token = _OPERATION.set(streaming.fresh(admitted.principal))
        operation = admitted.operation
        try:
            with executing(admitted.prepared) if self.endpoint.operations.enabled else nullcontext(), \
                    operation_span_started(operation.name.value if operation.name else None,
                                           operation.operation.value, admitted.prepared.text) as end_span:
                yield end_span
        finally:
            _OPERATION.reset(token)

    def started(self, admitted: Admitted, task: "asyncio.Task[Any] | None", end_span: Callable[[], None]) -> None:
        """The operation's span ends with its task; a mutation outdates the kept responses, as over HTTP (when it
        starts and when it ends)."""
        if task is None:
            end_span()
            return
        task.add_done_callback(lambda _: end_span())
        if admitted.operation.operation is OperationType.MUTATION:
            self.endpoint.responses.written()
            task.add_done_callback(lambda _: self.endpoint.responses.written())


def _formatted(errors: list[GraphQLError]) -> list[Any]:
    return [e.formatted for e in errors]


class TransportWsHandler(Admitting, BaseGraphQLTransportWSHandler[Any, None]):
    """`graphql-transport-ws` (the `graphql-ws` npm library's protocol)."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        if not self.connection_acknowledged or message["id"] in self.operations or not isinstance(payload, dict):
            await super().handle_subscribe(message)  # strawberry closes the connection (4401, 4409, 4400)
            return
        try:
            admitted = await self.admitted(payload, len(self.operations))
        except Refused as refusal:
            await self.send_message(TransportError(id=message["id"], type="error",
                                                   payload=_formatted(refusal.errors)))
            return
        with self.running(admitted, payload) as end_span:  # type: ignore[arg-type]
            await super().handle_subscribe(message)
        operation = self.operations.get(message["id"])
        self.started(admitted, operation.task if operation else None, end_span)

    def live_tasks(self) -> list["asyncio.Task[Any]"]:
        return [op.task for op in self.operations.values() if op.task is not None]

    async def handle_task_exception(self, error: Exception) -> None:
        """A client that went away (or was let go) mid-operation is no server error."""
        if not isinstance(error, WebSocketDisconnected):
            await super().handle_task_exception(error)


class LegacyWsHandler(Admitting, BaseGraphQLWSHandler[Any, None]):
    """`graphql-ws`, the legacy subscriptions-transport-ws protocol (Apollo's older clients)."""

    async def handle_start(self, message: StartMessage) -> None:
        payload = message.get("payload")
        if not self.connection_acknowledged or not isinstance(payload, dict):
            await super().handle_start(message)
            return
        if message["id"] in self.tasks:
            await self.cleanup_operation(message["id"])
        try:
            admitted = await self.admitted(payload, len(self.tasks))
        except Refused as refusal:
            await self.send_message(LegacyError(type="error", id=message["id"],
                                                payload=_formatted(refusal.errors)[0]))
            return
        with self.running(admitted, payload) as end_span:  # type: ignore[arg-type]
            await super().handle_start(message)
        self.started(admitted, self.tasks.get(message["id"]), end_span)

    def live_tasks(self) -> list["asyncio.Task[Any]"]:
        return list(self.tasks.values())
