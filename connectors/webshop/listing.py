"""Lists the shop answers in pages: core's `page`/`per_page`, the wishlist plugin's `count`/`offset`.

A full core list reads page 1, whose `X-WP-TotalPages` says how many pages there
are, then fetches the others concurrently (a few at a time). A host that strips the header (some
proxies do) is read page after page until a short page, as the plugin's lists are.
"""

import asyncio
from collections.abc import Iterator, Mapping, Sequence

from connectors.errors import UpstreamUnavailable
from connectors.http import UpstreamClient

from .read_wire import Json

PER_PAGE = 100  # WooCommerce's ceiling for `per_page`, hence for `include` lists too
PAGES_AT_ONCE = 8  # a shop's X-WP-TotalPages is trusted for the count, not for how hard to hit it
MAX_SHOP_ID = 2**63 - 1  # ids are unsigned BIGINT in MySQL, but PHP reads them as signed 64-bit ints
WISHLIST_COUNT = 100  # the plugin documents no ceiling for `count`; 100 keeps pages as large as core's


class Lister:
    """GETs that answer a JSON list of objects, one page or all of them."""

    def __init__(self, client: UpstreamClient) -> None:
        self._client = client

    async def page(self, path: str, params: Mapping[str, str]) -> list[Json]:
        return self._rows(path, await self._client.request("GET", path, params=params))

    async def all_pages(self, path: str, params: Mapping[str, str]) -> list[Json]:
        """Every row of a core list, `per_page` at its ceiling; pages after the first all at once."""
        first = await self._client.request_with_headers("GET", path, params=_numbered(params, 1))
        rows = self._rows(path, first.body)
        total = _total_pages(first.headers)
        if total is None:
            return await self._until_short_page(path, params, rows)
        gate = asyncio.Semaphore(PAGES_AT_ONCE)

        async def numbered(n: int) -> list[Json]:
            async with gate:
                return await self.page(path, _numbered(params, n))

        later = await asyncio.gather(*(numbered(n) for n in range(2, total + 1)))
        return rows + [row for page in later for row in page]

    async def _until_short_page(self, path: str, params: Mapping[str, str], first: list[Json]) -> list[Json]:
        """The pages after `first`, one after another: without a total, only a short page ends the list."""
        rows, batch = first, first
        while len(batch) >= PER_PAGE:
            batch = await self.page(path, _numbered(params, len(rows) // PER_PAGE + 1))
            rows = rows + batch
        return rows

    async def all_offsets(self, path: str) -> list[Json]:
        """Every row of a plugin list, which has no totals: offset on until a short page."""
        rows: list[Json] = []
        while True:
            batch = await self.page(path, {"count": str(WISHLIST_COUNT), "offset": str(len(rows))})
            rows += batch
            if len(batch) < WISHLIST_COUNT:
                return rows

    def _rows(self, path: str, body: object) -> list[Json]:
        if not isinstance(body, list) or not all(isinstance(row, dict) for row in body):
            answered = type(body).__name__
            raise UpstreamUnavailable(self._client.system, f"GET {path} answered {answered}, not a list")
        return body


def _numbered(params: Mapping[str, str], number: int) -> dict[str, str]:
    return {**params, "page": str(number), "per_page": str(PER_PAGE)}


def _total_pages(headers: Mapping[str, str]) -> int | None:
    """`X-WP-TotalPages` (0 for an empty list); None when absent or not a count."""
    value = headers.get("X-WP-TotalPages", "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def shop_ids(keys: Sequence[str]) -> list[str]:
    """The distinct keys that can be shop ids (positive integers in canonical form), in first-seen order."""
    return list(dict.fromkeys(key for key in keys if _is_shop_id(key)))


def _is_shop_id(key: str) -> bool:
    """Within PHP's ints too: the shop would read a larger id as another one (PHP_INT_MAX, or 0 past a double)."""
    return key.isascii() and key.isdigit() and key[0] != "0" and len(key) <= 19 and int(key) <= MAX_SHOP_ID


def chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])
