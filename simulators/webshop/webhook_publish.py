"""Turns what a request changed into webhook deliveries: each active webhook of the change's topic gets the
resource as the REST API returns it (a deleted one as `{"id"}`), rendered with that request's site URL."""

import functools
import json
from collections.abc import Callable

from aiohttp import web

from .changes import Changes
from .webhook_book import WebhookBook
from .wp import Handler, Json, site_url

Render = Callable[[int, web.Request], Json | None]  # (id, request) -> the resource, None when it is gone


class Publisher:
    def __init__(self, book: WebhookBook, changes: Changes, renderers: dict[str, Render], prefix: str) -> None:
        self.book = book
        self.changes = changes
        self.renderers = renderers
        self.prefix = prefix

    def publish(self, request: web.Request) -> None:
        """Drains the noted changes; starts one delivery per (change, webhook) and returns at once."""
        for resource, resource_id, event in self.changes.drain():
            targets = self.book.targets(f"{resource}.{event}")
            if not targets:
                continue
            shown = {"id": resource_id} if event == "deleted" else self.renderers[resource](resource_id, request)
            if shown is None:
                continue
            body = json.dumps(shown).encode()
            source = site_url(request, self.prefix) + "/"
            for webhook in targets:
                self.book.push(webhook, body, source, resource_id)

    def around(self, handler: Handler) -> Handler:
        """The handler, publishing what it changed whatever it answered (a batch may change some items and fail
        others)."""
        @functools.wraps(handler)
        async def run(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            finally:
                self.publish(request)
        return run
