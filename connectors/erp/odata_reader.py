"""Reads OData lists over the shared UpstreamClient, v4 and v2, page after page, and SAP's error bodies.

SAP pages in two ways at once: the client's `$top`/`$skip` and the server's own
cut (`@odata.nextLink` in v4, `__next` in v2) when a page exceeds what it sends
at a time. A full read honours both, so it neither stops early nor reads a row twice.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from connectors.errors import UpstreamUnavailable
from connectors.http import UpstreamClient

from .odata_urls import with_query

Row = dict[str, Any]
# A page body -> its rows and the server's link to the next part, if any.
Splitter = Callable[[Any], tuple[list[Row], str | None]]

_TAGS = re.compile(r"<[^>]*>")
_SHOWN_CHARS = 200


def _v4_split(body: Any) -> tuple[list[Row], str | None]:
    return list(body["value"]), body.get("@odata.nextLink")


def _v2_split(body: Any) -> tuple[list[Row], str | None]:
    data = body["d"]
    return list(data["results"]), data.get("__next")


@dataclass(frozen=True)
class Dialect:
    page: int  # the largest $top the service answers in one page
    split: Splitter


V4 = Dialect(5000, _v4_split)  # RAP caps $top at 5000 and pages the rest
V2 = Dialect(1000, _v2_split)  # no documented cap; 1000 keeps a page's body small


class ODataReader:
    def __init__(self, client: UpstreamClient) -> None:
        self.client = client

    async def rows(self, path: str, params: Mapping[str, str], dialect: Dialect) -> list[Row]:
        """Every row matching `params`: pages of `dialect.page` rows by `$skip`, each followed to its end."""
        rows: list[Row] = []
        while True:
            paging = {"$top": str(dialect.page), **({"$skip": str(len(rows))} if rows else {})}
            page, _ = await self.page(path, {**params, **paging}, dialect)
            rows += page
            if len(page) < dialect.page:
                return rows

    async def page(self, path: str, params: Mapping[str, str], dialect: Dialect) -> tuple[list[Row], Any]:
        """The rows of one requested page, following the server's links; also the first body (for counts)."""
        url = f"{self.client.base_url}{with_query(path, params)}"
        first = body = await self.client.request("GET", url)
        rows: list[Row] = []
        while True:
            with unexpected_payload(self.client.system):
                part, link = dialect.split(body)
            rows += part
            if not link:
                return rows, first
            url = urljoin(url, link)
            body = await self.client.request("GET", url)


@contextmanager
def unexpected_payload(system: str) -> Iterator[None]:
    """A 200 whose body is not what the API defines is as useless as a 503, and reported the same way."""
    try:
        yield
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise UpstreamUnavailable(system, f"unexpected answer: {type(exc).__name__}: {exc}") from exc


def read_error(status: int, body: Any) -> str:
    """SAP's message from a v4 or v2 error body; the gist of the text when it is none (HTML 401, CSRF 403)."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = error.get("message")
        if isinstance(message, dict):  # v2 wraps it: {"lang": "en", "value": "…"}
            message = message.get("value")
        return f"HTTP {status} {error.get('code', '')}: {message}"
    text = " ".join(_TAGS.sub(" ", str(body or "")).split())[:_SHOWN_CHARS]
    return f"HTTP {status}: {text}" if text else f"HTTP {status}"
