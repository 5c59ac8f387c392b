"""The request body within a deadline: aiohttp bounds a body's size (`client_max_size`), not how long it may take
to arrive, and a client sending a byte a second would hold a socket and a task for as long as it liked."""

import asyncio
import json

from aiohttp import web

from ..errors import ErrorCode, error_body


async def read_body(request: web.Request, timeout_s: float) -> bytes:
    """Raises HTTP 408 with a GraphQL-shaped error, and closes the connection, when the body is late."""
    try:
        async with asyncio.timeout(timeout_s):
            return await request.read()
    except TimeoutError:
        raise _late(timeout_s) from None


def _late(timeout_s: float) -> web.HTTPRequestTimeout:
    body = error_body(f"the request body did not arrive within {timeout_s:g} s", ErrorCode.REQUEST_TIMEOUT)
    late = web.HTTPRequestTimeout(text=json.dumps(body), content_type="application/json")
    late.force_close()
    return late
