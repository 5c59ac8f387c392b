"""WordPress REST plumbing every shop route answers with: errors, JSON, list headers, `_fields`.

WooCommerce and the wishlist plugin both run inside `WP_REST_Server`, so error bodies, paging
headers and field trimming follow WordPress whichever controller served the request.
"""

import functools
import json
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import CIMultiDict

API_ROOT = "/wp-json/wc/v3"
SHOP_TZ = ZoneInfo("Europe/Paris")  # the shop's "timezone_string" setting
CRITICAL_ERROR = ("<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/"
                  "documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>")

Json = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WpError(Exception):
    """A `WP_Error` on its way out; `data` is what WordPress puts in the body (usually {"status": n})."""

    def __init__(self, code: str, message: str, status: int, data: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.data = {"status": status} if data is None else data

    def body(self) -> Json:
        return {"code": self.code, "message": self.message, "data": self.data}

    def response(self, headers: Mapping[str, str] | None = None) -> web.Response:
        return json_response(self.body(), self.status, headers)


def json_response(body: object, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(text=json.dumps(body), status=status, headers=headers,
                        content_type="application/json", charset="UTF-8")


def status_error(status: int, message: str) -> web.Response:
    """A failure the site itself gives (PHP fatal, overloaded host) in the REST error shape."""
    if status == HTTPStatus.INTERNAL_SERVER_ERROR:
        body = {"code": "internal_server_error", "message": CRITICAL_ERROR, "data": {"status": status},
                "additional_errors": []}
        return json_response(body, status)
    try:
        code = HTTPStatus(status).phrase.lower().replace(" ", "_")
    except ValueError:
        code = "error"
    return WpError(code, message, status).response()


async def no_route_handler(_: web.Request) -> web.Response:
    """Answers paths and methods no controller registered, as WordPress does (404, never 405)."""
    return WpError("rest_no_route", "No route was found matching the URL and request method.", 404).response()


def answering_errors(handler: Handler) -> Handler:
    """Turns a `WpError` raised anywhere in a controller into its response."""
    @functools.wraps(handler)
    async def run(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except WpError as error:
            return error.response()
    return run


def wall_clock() -> datetime:
    """Now, to the second: WordPress stores dates without fractions, so reads compare like the database."""
    return datetime.now(UTC).replace(microsecond=0)


def shop_date(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(SHOP_TZ).strftime("%Y-%m-%dT%H:%M:%S")


def gmt_date(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def date_fields(name: str, at: datetime | None) -> Json:
    """The `date_x` / `date_x_gmt` pair WooCommerce sends for every date."""
    return {name: shop_date(at), f"{name}_gmt": gmt_date(at)}


def money(cents: int | None) -> str:
    """`wc_format_decimal` with two decimals: "19.90", "-4.90", "" when unset."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def site_url(request: web.Request, prefix: str) -> str:
    return f"{request.scheme}://{request.host}{prefix}"


def api_url(request: web.Request, prefix: str, path: str) -> str:
    return f"{site_url(request, prefix)}{API_ROOT}{path}"


def links(request: web.Request, prefix: str, item_path: str, collection_path: str) -> Json:
    return {"self": [{"href": api_url(request, prefix, item_path)}],
            "collection": [{"href": api_url(request, prefix, collection_path)}]}


@dataclass(frozen=True, slots=True)
class Page:
    """`page`, `per_page` and `offset` of one collection request (offset wins over page, as in WP_Query)."""

    number: int
    per_page: int
    offset: int | None = None

    def cut(self, rows: Sequence[Any]) -> list[Any]:
        start = self.offset if self.offset is not None else (self.number - 1) * self.per_page
        return list(rows[start:start + self.per_page])


def collection(request: web.Request, shown: Sequence[Json], total: int, page: Page) -> web.Response:
    """One page (`shown`) of `total` rows, with the X-WP-Total, X-WP-TotalPages and prev/next links core sends."""
    pages = math.ceil(total / page.per_page)
    headers: CIMultiDict[str] = CIMultiDict({"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})
    base = f"{request.scheme}://{request.host}{request.path}"
    if page.number > 1:
        headers.add("Link", f'<{_with_page(base, request, min(page.number - 1, pages))}>; rel="prev"')
    if pages > page.number:
        headers.add("Link", f'<{_with_page(base, request, page.number + 1)}>; rel="next"')
    body = [trim_fields(row, request) for row in shown]
    return web.Response(text=json.dumps(body), headers=headers, content_type="application/json", charset="UTF-8")


def item(request: web.Request, row: Json, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return json_response(trim_fields(row, request), status, headers)


def _with_page(base: str, request: web.Request, number: int) -> str:
    pairs = [(k, str(number) if k == "page" else v) for k, v in request.query.items()]
    if "page" not in request.query:
        pairs.append(("page", str(number)))
    return f"{base}?{urlencode(pairs)}"


def trim_fields(row: Json, request: web.Request) -> Json:
    """`_fields=id,billing.email` keeps those members only (`rest_filter_response_fields`)."""
    raw = request.query.get("_fields")
    return _pick(row, _field_tree(raw)) if raw else row


def _field_tree(raw: str) -> dict[str, Any]:
    """{"id": True, "billing": {"email": True}}: True keeps a member whole."""
    tree: dict[str, Any] = {}
    for path in raw.split(","):
        parts = [part for part in path.strip().split(".") if part]
        node = tree
        for depth, part in enumerate(parts):
            if node.get(part) is True:
                break
            if depth == len(parts) - 1:
                node[part] = True
            else:
                node = node.setdefault(part, {})
    return tree


def _pick(row: Json, tree: dict[str, Any]) -> Json:
    kept: Json = {}
    for key, sub in tree.items():
        if key not in row:
            continue
        value = row[key]
        kept[key] = value if sub is True or not isinstance(value, dict) else _pick(value, sub)
    return kept


async def body_params(request: web.Request) -> Json:
    """The request body as WordPress reads it: a JSON object, a form, or nothing."""
    raw = await request.read()
    if not raw.strip():
        return {}
    if request.content_type == "application/x-www-form-urlencoded":
        return dict((await request.post()).items())
    try:
        value = json.loads(raw)
    except ValueError:
        raise WpError("rest_invalid_json", "Invalid JSON body passed.", 400,
                      {"status": 400, "json_error_code": 4, "json_error_message": "Syntax error"}) from None
    return value if isinstance(value, dict) else {}


async def request_params(request: web.Request) -> Json:
    """`$request->get_params()`: the body wins over the query string."""
    return {**request.query, **await body_params(request)}
