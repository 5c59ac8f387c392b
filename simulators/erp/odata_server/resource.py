"""The HTTP face of one service root: entity sets, `$count`, key access, the service document, `$metadata`.

Every refusal is an `ODataError` turned into the service's own error body here,
so handlers read as the happy path.
"""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from urllib.parse import quote

from aiohttp import hdrs, web

from .errors import ODataError, Version, error_response
from .filter_parser import parse_key
from .logon import Logon
from .metadata import csdl
from .model import EntitySet, Row, Service
from .query import Page, Query, matching_rows, page_of, parse_query
from .shape import build_shape
from .wire import Dialect, entity, v4_etag

MAX_URL_BYTES = 8000  # ours: "URL over 8 KB" is refused with 414
WRITE_METHODS = ("POST", "PUT", "PATCH", "MERGE", "DELETE")
LINK_SAFE = "$'(),/:=*;@"


class ServiceResource:
    def __init__(self, service: Service, logon: Logon) -> None:
        self.service = service
        self.logon = logon
        self.set_of_type = {s.type.name: name for name, s in service.sets.items()}
        self.metadata = csdl(service)

    def add_routes(self, app: web.Application) -> None:
        root = self.service.root
        for name, entity_set in self.service.sets.items():
            app.router.add_get(f"{root}/{name}", self._handler(partial(self._collection, entity_set)))
            app.router.add_get(f"{root}/{name}/$count", self._handler(partial(self._count, entity_set)))
            app.router.add_get(f"{root}/{name}({{key}})", self._handler(partial(self._single, entity_set)))
        app.router.add_get(f"{root}/$metadata", self._handler(self._metadata))
        app.router.add_get(root, self._handler(self._service_document))
        app.router.add_get(f"{root}/", self._handler(self._service_document))
        app.router.add_get(f"{root}/{{tail:.*}}", self._handler(self._unknown))
        for method in WRITE_METHODS:
            app.router.add_route(method, f"{root}/{{tail:.*}}", self._write)

    def _handler(self, produce: Callable[[web.Request], web.Response]
                 ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            try:
                if len(request.raw_path.encode()) > MAX_URL_BYTES:
                    raise ODataError(414, f"Request URI longer than {MAX_URL_BYTES} bytes")
                response = produce(request)
            except ODataError as failure:
                response = self.error(failure.status, failure.message)
            self.logon.hand_out(request, response)
            return response

        return handle

    def error(self, status: int, message: str) -> web.Response:
        return error_response(self.service.version, self.service.service_id, status, message)

    def _collection(self, entity_set: EntitySet, request: web.Request) -> web.Response:
        dialect = self._dialect(request)
        query = parse_query(request.query, entity_set, self.service.version)
        page = page_of(matching_rows(entity_set, query), query, self.service.version)
        rows = [entity(row, query.shape, dialect) for row in page.rows]
        link = None if page.next_token is None else self._next_link(request, page.next_token)
        if self.service.version is Version.V4:
            return web.json_response(_v4_list(entity_set.name, rows, page, query, link))
        body: dict[str, object] = {"results": rows}
        if query.count:
            body["__count"] = str(page.total)
        if link is not None:
            body["__next"] = link
        return web.json_response({"d": body})

    def _count(self, entity_set: EntitySet, request: web.Request) -> web.Response:
        query = parse_query(request.query, entity_set, self.service.version)
        return web.Response(text=str(len(matching_rows(entity_set, query))), content_type="text/plain")

    def _single(self, entity_set: EntitySet, request: web.Request) -> web.Response:
        dialect = self._dialect(request)
        row = self._find(entity_set, request.match_info["key"])
        version = self.service.version
        params = request.query
        shape = build_shape(entity_set.type, version, params.get("$select"), params.get("$expand"))
        body = entity(row, shape, dialect)
        if version is Version.V2:
            return web.json_response({"d": body})
        etag = v4_etag(row, entity_set.type)
        headers = {hdrs.ETAG: etag} if etag else {}
        return web.json_response({"@odata.context": f"$metadata#{entity_set.name}/$entity", **body},
                                 headers=headers)

    def _service_document(self, request: web.Request) -> web.Response:
        self._check_format(request)
        names = list(self.service.sets)
        if self.service.version is Version.V2:
            return web.json_response({"d": {"EntitySets": names}})
        return web.json_response({"@odata.context": "$metadata", "value": [
            {"name": n, "url": n} for n in names]})

    def _metadata(self, request: web.Request) -> web.Response:
        """XML in both versions, whatever the client accepts: SAP serves the CSDL document as XML."""
        return web.Response(body=self.metadata, content_type="application/xml", charset="utf-8")

    def _unknown(self, request: web.Request) -> web.Response:
        segment = request.match_info["tail"].split("/")[0].split("(")[0]
        raise ODataError(404, f"Resource not found for segment '{segment}'")

    async def _write(self, request: web.Request) -> web.Response:
        """Omnigate never writes to the ERP: past the CSRF check, the simulator refuses every change."""
        refused = self.logon.refuse_write(request)
        if refused is not None:
            return refused
        return self.error(405, f"Method {request.method} is not supported by this simulator (read only)")

    def _find(self, entity_set: EntitySet, text: str) -> Row:
        etype = entity_set.type
        pairs = parse_key(text, self.service.version)
        if len(pairs) == 1 and pairs[0][0] is None and len(etype.keys) == 1:
            key = (pairs[0][1].value,)
        else:
            named = {name: literal.value for name, literal in pairs}
            if set(named) != set(etype.keys) or len(named) != len(pairs):
                raise ODataError(400, f"The key of '{entity_set.name}' is {', '.join(etype.keys)}")
            key = tuple(named[k] for k in etype.keys)
        row = entity_set.by_key.get(key)
        if row is None:
            raise ODataError(404, f"Resource not found for segment '{entity_set.name}({text})'")
        return row

    def _check_format(self, request: web.Request) -> None:
        """JSON only: a v2 client must ask for it, since the real service defaults to Atom XML."""
        requested = request.query.get("$format")
        if requested is not None and requested != "json" and not requested.startswith("application/json"):
            raise ODataError(406 if requested in ("xml", "atom") else 400,
                             f"Format '{requested}' is not supported; this service answers in JSON")
        accept = request.headers.get(hdrs.ACCEPT, "")
        if self.service.version is Version.V2 and requested is None and "application/json" not in accept:
            raise ODataError(406, "Send $format=json or Accept: application/json (the simulator answers "
                                  "JSON only; the real service would answer Atom XML)")

    def _dialect(self, request: web.Request) -> Dialect:
        """How to render for this request: its format, and the service root as the client reached it."""
        self._check_format(request)
        path = request.path
        base = f"{request.url.origin()}{path[:path.find(self.service.root)]}{self.service.root}"
        asked = f"{request.headers.get(hdrs.ACCEPT, '')};{request.query.get('$format', '')}"
        ieee754 = "ieee754compatible=true" in asked.lower().replace(" ", "")
        return Dialect(self.service.version, self.service.service_id, base, self.set_of_type, ieee754)

    def _next_link(self, request: web.Request, token: int) -> str:
        """The same request with a new `$skiptoken`: root-relative for v4, absolute for v2 (as SAP sends)."""
        items = [(k, v) for k, v in request.query.items() if k != "$skiptoken"] + [("$skiptoken", str(token))]
        query = "&".join(f"{quote(k, safe=LINK_SAFE)}={quote(v, safe=LINK_SAFE)}" for k, v in items)
        link = f"{request.path}?{query}"
        return link if self.service.version is Version.V4 else f"{request.url.origin()}{link}"


def _v4_list(name: str, rows: list[dict[str, Any]], page: Page, query: Query,
             link: str | None) -> dict[str, object]:
    body: dict[str, object] = {"@odata.context": f"$metadata#{name}"}
    if query.count:
        body["@odata.count"] = page.total
    body["value"] = rows
    if link is not None:
        body["@odata.nextLink"] = link
    return body
