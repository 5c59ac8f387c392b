"""`/webhooks`, `/webhooks/{id}` and `/webhooks/batch` of the WooCommerce v3 API (`WC_REST_Webhooks_Controller`).

A webhook created active, or set active again, is pinged once (`webhook_id=<id>`) after the answer; setting
it active also clears its failure count.
"""

from datetime import datetime
from typing import Any

from aiohttp import web

from . import auth
from .batch import read_batch, run_batch
from .params import QueryArgs, raise_invalid
from .php import php_int
from .webhook_book import STATUSES, Webhook, WebhookBook, valid_topic
from .wp import (
    Json,
    WpError,
    api_url,
    collection,
    item,
    json_response,
    links,
    request_params,
    shop_date,
    wall_clock,
)

CANNOT_DELETE = auth.refused("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource.")
ORDER_BY = ("date", "id", "title")
STATUS_FILTER = ("all", *STATUSES)
INVALID_URL = "Webhook delivery URL must be a valid URL starting with http:// or https://."


class WebhooksApi:
    def __init__(self, book: WebhookBook, prefix: str) -> None:
        self.book = book
        self.prefix = prefix

    async def get_items(self, request: web.Request) -> web.Response:
        args = QueryArgs(request)
        page = args.page()
        include, exclude = args.id_list("include"), args.id_list("exclude")
        status = args.enum("status", "all", STATUS_FILTER)
        search = args.text("search")
        orderby = args.enum("orderby", "date", ORDER_BY)
        descending = args.enum("order", "desc", ("asc", "desc")) == "desc"
        args.check()
        rows = [w for w in self.book.records.values()
                if status in ("all", w.status) and (not include or w.id in include) and w.id not in exclude
                and (not search or search.casefold() in w.name.casefold())]
        key = {"id": lambda w: (w.id, 0), "title": lambda w: (w.name.casefold(), w.id)}.get(
            orderby, lambda w: (w.created, w.id))
        rows.sort(key=key, reverse=descending)
        return collection(request, [self._json(w, request) for w in page.cut(rows)], len(rows), page)

    async def get_item(self, request: web.Request) -> web.Response:
        return item(request, self._json(self._webhook(request.match_info["id"], 404), request))

    async def create_item(self, request: web.Request) -> web.Response:
        webhook = self._create(await request_params(request), wall_clock())
        location = api_url(request, self.prefix, f"/webhooks/{webhook.id}")
        return item(request, self._json(webhook, request), 201, {"Location": location})

    async def update_item(self, request: web.Request) -> web.Response:
        webhook = self._webhook(request.match_info["id"], 404)
        return item(request, self._json(self._update(webhook, await request_params(request), wall_clock()), request))

    async def delete_item(self, request: web.Request) -> web.Response:
        webhook = self._webhook(request.match_info["id"], 404)
        if not QueryArgs(request).boolean("force", False):
            raise WpError("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
        shown = self._json(webhook, request)
        del self.book.records[webhook.id]
        return item(request, shown)

    async def batch_items(self, request: web.Request) -> web.Response:
        work = await read_batch(request)
        now = wall_clock()

        def update(posted: dict[str, Any]) -> Json:
            return self._json(self._update(self._webhook(posted.get("id"), 400), posted, now), request)

        def delete(webhook_id: int) -> Json:
            webhook = self._webhook(webhook_id, 404)
            shown = self._json(webhook, request)
            del self.book.records[webhook.id]
            return shown

        return json_response(run_batch(work, lambda posted: self._json(self._create(posted, now), request),
                                       update, delete))

    def _create(self, posted: dict[str, Any], now: datetime) -> Webhook:
        if posted.get("id"):
            raise WpError("woocommerce_rest_webhook_exists", "Cannot create existing webhook.", 400)
        _check(posted)
        topic = str(posted.get("topic") or "")
        if not valid_topic(topic):
            raise WpError("woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid.",
                          400)
        url = str(posted.get("delivery_url") or "")
        if not url.startswith(("http://", "https://")):
            raise WpError("woocommerce_rest_webhook_invalid_delivery_url", INVALID_URL, 400)
        name = str(posted.get("name") or f"Webhook created on {shop_date(now)}")
        webhook = self.book.add(name, str(posted.get("status") or "active"), topic, url,
                                str(posted["secret"]) if posted.get("secret") else None, now)
        if webhook.status == "active":
            self.book.ping(webhook)
        return webhook

    def _update(self, webhook: Webhook, posted: dict[str, Any], now: datetime) -> Webhook:
        _check(posted)
        if "topic" in posted and not valid_topic(str(posted["topic"] or "")):
            raise WpError("woocommerce_rest_webhook_invalid_topic", "Webhook topic must be valid.", 400)
        if "delivery_url" in posted and not str(posted["delivery_url"] or "").startswith(("http://", "https://")):
            raise WpError("woocommerce_rest_webhook_invalid_delivery_url", INVALID_URL, 400)
        activated = posted.get("status") == "active" and webhook.status != "active"
        for name in ("name", "topic", "delivery_url", "secret", "status"):
            if posted.get(name):
                setattr(webhook, name, str(posted[name]))
        webhook.modified = now
        if activated:
            webhook.failure_count = 0
            self.book.ping(webhook)
        return webhook

    def _webhook(self, raw_id: object, status: int) -> Webhook:
        webhook = self.book.records.get(php_int(raw_id))
        if webhook is None:
            raise WpError("woocommerce_rest_webhook_invalid_id", "Invalid ID.", status)
        return webhook

    def _json(self, webhook: Webhook, request: web.Request) -> Json:
        return {**webhook.to_json(), "_links": links(request, self.prefix, f"/webhooks/{webhook.id}", "/webhooks")}


def _check(posted: dict[str, Any]) -> None:
    status = posted.get("status")
    if status is not None and status not in STATUSES:
        raise_invalid({"status": ("rest_not_in_enum", f"status is not one of {', '.join(STATUSES)}.")})

