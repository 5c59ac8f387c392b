"""Lists the shop answers in pages: core's `page`/`per_page`, the wishlist plugin's `count`/`offset`.

`UpstreamClient.request` hands back the body only, so the `X-WP-TotalPages`
header cannot be read here: full lists are read page after page until a short
page. With the header, every page after the first could be fetched at once.
"""

from collections.abc import Iterator, Mapping, Sequence

from connectors.errors import UpstreamUnavailable
from connectors.http import UpstreamClient

from .read_wire import Json

PER_PAGE = 100  # WooCommerce's ceiling for `per_page`, hence for `include` lists too
WISHLIST_COUNT = 100  # the plugin documents no ceiling for `count`; 100 keeps pages as large as core's


class Lister:
    """GETs that answer a JSON list of objects, one page or all of them."""

    def __init__(self, client: UpstreamClient) -> None:
        self._client = client

    async def page(self, path: str, params: Mapping[str, str]) -> list[Json]:
        body = await self._client.request("GET", path, params=params)
        if not isinstance(body, list) or not all(isinstance(row, dict) for row in body):
            answered = type(body).__name__
            raise UpstreamUnavailable(self._client.system, f"GET {path} answered {answered}, not a list")
        return body

    async def all_pages(self, path: str, params: Mapping[str, str]) -> list[Json]:
        """Every row of a core list, `per_page` at its ceiling."""
        rows: list[Json] = []
        while True:
            number = len(rows) // PER_PAGE + 1
            batch = await self.page(path, {**params, "page": str(number), "per_page": str(PER_PAGE)})
            rows += batch
            if len(batch) < PER_PAGE:
                return rows

    async def all_offsets(self, path: str) -> list[Json]:
        """Every row of a plugin list, which has no totals: offset on until a short page."""
        rows: list[Json] = []
        while True:
            batch = await self.page(path, {"count": str(WISHLIST_COUNT), "offset": str(len(rows))})
            rows += batch
            if len(batch) < WISHLIST_COUNT:
                return rows


def shop_ids(keys: Sequence[str]) -> list[str]:
    """The distinct keys that can be shop ids (positive integers in canonical form), in first-seen order."""
    return list(dict.fromkeys(key for key in keys if key.isascii() and key.isdigit() and key[0] != "0"))


def chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])
