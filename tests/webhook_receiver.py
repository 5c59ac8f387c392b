"""A webhook receiver for the simulators' push tests: a real aiohttp server on 127.0.0.1 that records each
delivery (headers and raw body) and answers with the statuses a test scripts for it."""

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from multidict import CIMultiDictProxy

PATH = "/hooks/in"


@dataclass(frozen=True)
class Delivery:
    headers: CIMultiDictProxy[str]
    raw: bytes
    content_type: str

    def json(self) -> Any:
        return json.loads(self.raw)


@dataclass
class Receiver:
    url: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    script: deque[int] = field(default_factory=deque)  # the next answers; 200 once it is empty
    status: int = 200  # the answer once the script is spent
    hold: asyncio.Event | None = None  # when set, each answer waits for it
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, request: web.Request) -> web.Response:
        self.deliveries.append(Delivery(request.headers, await request.read(), request.content_type))
        async with self.arrived:
            self.arrived.notify_all()
        if self.hold is not None:
            await self.hold.wait()
        return web.Response(status=self.script.popleft() if self.script else self.status)

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Delivery]:
        """Waits until at least `count` deliveries came in; returns them all."""
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: len(self.deliveries) >= count), timeout)
        return list(self.deliveries)

    def of_type(self, header: str, value: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.headers.get(header) == value]


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post(PATH, receiver.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}{PATH}"
    try:
        yield receiver
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        await runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver for the test's deliveries, stopped after it."""
    async with receiving() as r:
        yield r
