"""How the POS's parts hand their routes to the simulator: (method, path, handler), errors caught once."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from .errors import SquareError

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]


class Part(Protocol):
    """One Square API of the simulator (locations, catalog, ...): it names its own routes."""

    def routes(self) -> list[Route]: ...


def reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


def guarded(handler: Handler) -> Handler:
    """Turns a SquareError raised anywhere in `handler` into Square's error body."""

    async def run(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except SquareError as error:
            return error.response()

    return run
