"""Square's transport conventions in one place: bearer token, pinned version, error bodies, cursor paging.

The adapter's other modules speak in endpoint paths and JSON bodies; how a
call is authenticated, retried and paged to the end lives here only.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import aiohttp

from connectors.domain import System
from connectors.errors import UpstreamUnavailable
from connectors.http import UpstreamClient
from connectors.resilience.policy import DEFAULT_RESILIENCE, Resilience

# Pinned so a Square release cannot change field shapes under us; the sheet was checked against it.
SQUARE_VERSION = "2025-08-20"

Json = dict[str, Any]
T = TypeVar("T")
R = TypeVar("R")


def read_square_error(status: int, body: Any) -> str:
    """`{"errors": [{category, code, detail}]}` -> "HTTP 400 INVALID_VALUE: detail" (the first error leads)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return f"HTTP {status}"
    first = errors[0]
    detail = first.get("detail")
    return f"HTTP {status} {first.get('code', 'UNKNOWN')}" + (f": {detail}" if detail else "")


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


async def gather_map(items: Iterable[T], call: Callable[[T], Awaitable[R]]) -> list[R]:
    """Runs one call per item concurrently; results in the order of `items`."""
    return list(await asyncio.gather(*(call(item) for item in items)))


def objects(body: Json, key: str) -> list[Json]:
    """The list under `key`; Square leaves empty lists out, so a missing key means none."""
    value = body.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class SquareClient:
    def __init__(self, upstream: UpstreamClient) -> None:
        self.upstream = upstream
        self.system = upstream.system

    @classmethod
    def open(cls, session: aiohttp.ClientSession, base_url: str, token: str, timeout_s: float,
             resilience: Resilience = DEFAULT_RESILIENCE) -> "SquareClient":
        headers = {"Authorization": f"Bearer {token}", "Square-Version": SQUARE_VERSION,
                   "Accept": "application/json"}
        return cls(UpstreamClient(System.POS.value, base_url, session, headers=headers, timeout_s=timeout_s,
                                  read_error=read_square_error, resilience=resilience))

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Json:
        return self._object(await self.upstream.request("GET", path, params=params))

    async def read(self, path: str, body: Json) -> Json:
        """A POST that only reads (search, batch retrieve): safe to retry."""
        return self._object(await self.upstream.request("POST", path, json=body, idempotent=True))

    async def write(self, path: str, body: Json) -> Json:
        """A POST that changes something under its own `idempotency_key`: Square answers a repeat with the first
        response and changes nothing more, so a transient failure is retried like a read."""
        return self._object(await self.upstream.request("POST", path, json=body, idempotent=True))

    async def put(self, path: str, body: Json) -> Json:
        """A PUT of whole fields: sent twice, it changes nothing more, so it is retried like a read."""
        return self._object(await self.upstream.request("PUT", path, json=body, idempotent=True))

    async def delete(self, path: str) -> None:
        await self.upstream.request("DELETE", path, idempotent=True)

    async def read_all(self, path: str, body: Json, key: str) -> list[Json]:
        """Every page of a POST search: the same body again with each `cursor` until none comes back."""
        return await self._all_pages(lambda cursor: self.read(path, {**body, "cursor": cursor} if cursor else body),
                                     key)

    async def get_all(self, path: str, params: Mapping[str, str], key: str) -> list[Json]:
        """Every page of a GET list: the same query again with each `cursor` until none comes back."""
        return await self._all_pages(lambda cursor: self.get(path, {**params, "cursor": cursor} if cursor else params),
                                     key)

    async def _all_pages(self, page_at: Callable[[str | None], Awaitable[Json]], key: str) -> list[Json]:
        found: list[Json] = []
        cursor: str | None = None
        while True:
            page = await page_at(cursor)
            found += objects(page, key)
            cursor = self._next(page, cursor)
            if cursor is None:
                return found

    def _next(self, page: Json, previous: str | None) -> str | None:
        cursor = page.get("cursor")
        if not isinstance(cursor, str) or not cursor:
            return None
        if cursor == previous:  # a server repeating itself would otherwise loop us forever
            raise UpstreamUnavailable(self.system, "the same page cursor came back twice")
        return cursor

    def _object(self, body: Any) -> Json:
        if not isinstance(body, dict):
            raise UpstreamUnavailable(self.system, "answered with something other than a JSON object")
        return body
