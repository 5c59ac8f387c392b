"""At most so many open connections per client address; the next ones are closed at once, before a byte is read.

Each slow client may hold a socket up to the header or body timeout; without a
cap per address one machine could hold them all. Behind a proxy every
connection comes from the proxy's address: trusted proxies
(`OMNIGATE_TRUSTED_PROXIES`) are not capped, since they carry many clients' requests.
"""

import asyncio
import ipaddress
import logging
from collections import Counter
from collections.abc import Callable, Sequence

from aiohttp import web

from .forwarded import Network

log = logging.getLogger("omnigate.http")


class ClientConnections:
    """Open connections per client address, admitted up to `limit` (0: no limit); `exempt` networks uncapped."""

    def __init__(self, limit: int, exempt: Sequence[Network] = ()) -> None:
        self.limit = limit
        self._exempt = tuple(exempt)
        self._open: Counter[str] = Counter()

    def admit(self, address: str) -> bool:
        if self.limit and self._open[address] >= self.limit and not self._is_exempt(address):
            return False
        self._open[address] += 1
        return True

    def _is_exempt(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self._exempt)

    def release(self, address: str) -> None:
        self._open[address] -= 1
        if not self._open[address]:
            del self._open[address]


class Admission(asyncio.Protocol):
    """Stands before aiohttp's protocol for one connection: closes it if its address is over the cap, else
    makes aiohttp's protocol and hands it every event of the connection."""

    def __init__(self, make_protocol: Callable[[], asyncio.Protocol], connections: ClientConnections) -> None:
        self._make_protocol = make_protocol
        self._connections = connections
        self._address: str | None = None
        self._inner: asyncio.Protocol | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if peer else "-"
        if not self._connections.admit(address):
            log.debug("connection from %s refused: %d already open", address, self._connections.limit)
            transport.close()
            return
        self._address = address
        self._inner = self._make_protocol()
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._inner is not None and self._address is not None:
            self._connections.release(self._address)
            self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()


class AdmittingSite(web.BaseSite):
    """A TCP site like aiohttp's TCPSite, whose connections pass `ClientConnections` first (BaseSite is how
    aiohttp lets an application bring its own listener)."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, connections: ClientConnections,
                 reuse_port: bool = False) -> None:
        super().__init__(runner)
        self._host, self._port, self._connections = host, port, connections
        self._reuse_port = reuse_port

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None  # set by runner.setup(), which BaseSite's constructor checks
        self._server = await asyncio.get_running_loop().create_server(
            lambda: Admission(server, self._connections), self._host, self._port, backlog=self._backlog,
            reuse_port=self._reuse_port or None)
