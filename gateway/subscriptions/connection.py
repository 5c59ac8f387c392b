"""Open WebSocket connections: who holds them, how many each principal has, and their orderly end on shutdown."""

import asyncio
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..auth.principals import ANONYMOUS, Principal, Role

GOING_AWAY = 1001  # RFC 6455: the server is shutting down


@dataclass(eq=False)  # one per socket, kept in a set by identity
class Connection:
    """One WebSocket: its handshake, the credentials it authenticated with, and its operations' tasks."""

    request: web.Request
    socket: web.WebSocketResponse
    connection_params: dict[str, Any] | None = None  # the `connection_init` payload (strawberry writes it here)
    credentials: Mapping[str, str] = field(default_factory=dict)
    principal: Principal = ANONYMOUS
    key: str | None = None  # what the per-principal cap counts, once admitted
    tasks: Callable[[], Collection["asyncio.Task[Any]"]] = lambda: ()

    def principal_key(self) -> str:
        """An anonymous client is counted by its address, as its rate limit is."""
        if self.principal.role is Role.ANONYMOUS:
            return f"anonymous:{self.request.remote or '-'}"
        return self.principal.rate_key


class Connections:
    """This process's open connections; a principal may hold `per_principal` of them at once."""

    def __init__(self, per_principal: int) -> None:
        self._per_principal = per_principal
        self._open: set[Connection] = set()
        self._held: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._open)

    def opened(self, connection: Connection) -> None:
        self._open.add(connection)

    def admit(self, connection: Connection) -> bool:
        """Counts the connection against its principal; False when they hold as many as they may."""
        key = connection.principal_key()
        if self._held[key] >= self._per_principal:
            return False
        self._held[key] += 1
        connection.key = key
        return True

    def closed(self, connection: Connection) -> None:
        self._open.discard(connection)
        if connection.key is not None:
            self._held[connection.key] -= 1
            if self._held[connection.key] <= 0:
                del self._held[connection.key]
            connection.key = None

    async def shut(self, within_s: float) -> None:
        """Shutdown, once the hub has ended every stream: each operation sends its `complete`, then each socket
        is closed with 1001 (going away), all within `within_s`."""
        tasks = [t for c in self._open for t in c.tasks() if not t.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=within_s)
        await asyncio.gather(*(c.socket.close(code=GOING_AWAY, message=b"the server is shutting down")
                               for c in list(self._open)), return_exceptions=True)
