"""SearchEvents (`POST /v2/events`): the events of the last 28 days, filtered, sorted and paged, so a
receiver that missed deliveries can catch up."""

from datetime import datetime

from aiohttp import web

from .body import Body, check_limit
from .events import Event, EventLog
from .paging import Cursors
from .routing import Route, reply
from .wire import compact

MAX_LIMIT = 100


class EventsApi:
    def __init__(self, log: EventLog, cursors: Cursors, api_version: str) -> None:
        self.log = log
        self.cursors = cursors
        self.api_version = api_version

    def routes(self) -> list[Route]:
        return [("POST", "/v2/events", self.search_events)]

    async def search_events(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        limit = check_limit(body.integer("limit"), 1, MAX_LIMIT, MAX_LIMIT)
        query = body.child("query") or Body({}, "query")
        f = query.child("filter") or Body({}, "query.filter")
        sort = query.child("sort") or Body({}, "query.sort")
        sort.enum("field", ("DEFAULT",))
        descending = (sort.enum("order", ("ASC", "DESC")) or "DESC") == "DESC"
        types = set(f.texts("event_types") or ())
        merchants = set(f.texts("merchant_ids") or ())
        locations = set(f.texts("location_ids") or ())
        span = f.child("created_at") or Body({}, "query.filter.created_at")
        start, end = span.instant("start_at"), span.instant("end_at")
        found = [e for e in self.log.recent()
                 if (not types or e.type in types) and (not merchants or self.log.merchant_id in merchants)
                 and (not locations or e.location_id in locations) and _within(e, start, end)]
        if descending:
            found.reverse()
        fingerprint = {k: v for k, v in body.data.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("events", fingerprint, body.text("cursor"), found, limit)
        return reply(compact({
            "events": [e.searched() for e in page],
            "metadata": [{"event_id": e.id, "api_version": self.api_version} for e in page],
            "cursor": cursor}))


def _within(event: Event, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or event.created >= start) and (end is None or event.created < end)
