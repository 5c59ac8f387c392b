"""A subscriber over WebSocket for the tests: Python gql's aiohttp WebSocket transport (the same protocol code as
its `websockets` transport), speaking `graphql-transport-ws` or the legacy `graphql-ws`, results in a queue."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from gql import Client, gql
from gql.transport.aiohttp_websockets import AIOHTTPWebsocketsTransport

from gateway.appkeys import LIVE_KEY

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/graphql"


class Subscription:
    """What one subscription received: results (dicts) or the exception that ended it, in order."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[dict[str, Any] | Exception] = asyncio.Queue()

    def failed(self) -> bool:
        return any(isinstance(got, Exception) for got in self.received._queue)  # type: ignore[attr-defined]

    async def next(self, timeout_s: float = 10.0) -> dict[str, Any]:
        """The next result; raises what ended the subscription instead."""
        got = await asyncio.wait_for(self.received.get(), timeout_s)
        if isinstance(got, Exception):
            raise got
        return got

    async def ended(self, timeout_s: float = 10.0) -> Exception | None:
        """What ended it (None: it completed), skipping results still queued."""
        while True:
            got = await asyncio.wait_for(self.received.get(), timeout_s)
            if isinstance(got, Exception):
                return got
            if got.get("__complete__"):
                return None


@asynccontextmanager
async def subscribed(url: str, document: str, variables: dict[str, Any] | None = None,
                     init: dict[str, Any] | None = None, protocol: str = TRANSPORT_WS,
                     headers: dict[str, str] | None = None) -> AsyncIterator[Subscription]:
    """One connection running one subscription while the block runs."""
    transport = AIOHTTPWebsocketsTransport(url=url, init_payload=init or {}, subprotocols=[protocol],
                                           headers=headers, ping_interval=None)
    subscription = Subscription()

    async def run() -> None:
        try:
            async with Client(transport=transport) as session:
                request = gql(document)
                request.variable_values = variables
                async for result in session.subscribe(request):
                    subscription.received.put_nowait(result)
            subscription.received.put_nowait({"__complete__": True})
        except Exception as error:  # what the test asserts on
            subscription.received.put_nowait(error)

    task = asyncio.create_task(run())
    try:
        yield subscription
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not come true in time")


async def until_streams(app: web.Application, count: int, *subscriptions: Subscription) -> None:
    """Until `count` subscriptions listen on the hub (an event told before would not reach them), or one of
    `subscriptions` failed (raised here)."""
    await until(lambda: app[LIVE_KEY].open_streams >= count or any(s.failed() for s in subscriptions))
    for subscription in subscriptions:
        if subscription.failed():
            await subscription.next()
