"""The Webhook Subscriptions API: create, list, read, change and delete subscriptions, rotate a signature
key, send a test event, and list the event types a subscription may name."""

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web

from simulators.webhooks.courier import Courier
from simulators.webhooks.urls import url_problem

from .body import Body, check_limit, missing
from .errors import bad_request, invalid, not_found
from .idempotency import IdempotencyKeys
from .paging import Cursors
from .routing import Route, reply
from .webhook_delivery import ENVIRONMENT, signature
from .webhook_subscriptions import EVENT_TYPES, INTRODUCED, Subscription, SubscriptionBook, new_signature_key
from .wire import Clock, compact, rfc3339

MAX_KEY_LENGTH = 45
MAX_NAME_LENGTH = 64
MAX_URL_LENGTH = 2048
MAX_LIMIT = 100
API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}")
ROOT = "/v2/webhooks/subscriptions"


class WebhooksApi:
    def __init__(self, book: SubscriptionBook, courier: Courier, keys: IdempotencyKeys, cursors: Cursors,
                 clock: Clock, merchant_id: str, default_version: str,
                 allow_http: Callable[[], bool] = lambda: False) -> None:
        self.book, self.courier, self.keys, self.cursors, self.clock = book, courier, keys, cursors, clock
        self.merchant_id, self.default_version, self.allow_http = merchant_id, default_version, allow_http

    def routes(self) -> list[Route]:
        return [("GET", "/v2/webhooks/event-types", self.list_event_types),
                ("POST", ROOT, self.create), ("GET", ROOT, self.list),
                ("GET", ROOT + "/{subscription_id}", self.retrieve),
                ("PUT", ROOT + "/{subscription_id}", self.update),
                ("DELETE", ROOT + "/{subscription_id}", self.delete),
                ("POST", ROOT + "/{subscription_id}/signature-key", self.rotate_key),
                ("POST", ROOT + "/{subscription_id}/test", self.test)]

    async def list_event_types(self, request: web.Request) -> web.Response:
        return reply({"event_types": list(EVENT_TYPES), "metadata": [
            {"event_type": t, "api_version_introduced": INTRODUCED[t], "release_status": "PUBLIC"}
            for t in EVENT_TYPES]})

    async def create(self, request: web.Request) -> web.Response:
        body = await Body.read(request)
        key = body.text("idempotency_key", max_length=MAX_KEY_LENGTH)
        if key and (answer := self.keys.replay("webhook-subscription", key, body.data)) is not None:
            return reply(answer)
        sub = body.child("subscription", required=True)
        assert sub is not None
        created = self.book.add(self._name(sub), _enabled(sub, True), self._event_types(sub, required=True) or (),
                                self._url(sub, required=True) or "", self._version(sub) or self.default_version)
        answer = {"subscription": created.to_json()}
        if key:
            self.keys.remember("webhook-subscription", key, body.data, answer)
        return reply(answer)

    async def list(self, request: web.Request) -> web.Response:
        query = request.query
        include_disabled = _query_flag(query.get("include_disabled"), "include_disabled")
        order = query.get("sort_order", "ASC")
        if order not in ("ASC", "DESC"):
            raise bad_request("INVALID_ENUM_VALUE", f"`{order}` is not a valid `sort_order`.", "sort_order")
        limit = check_limit(_query_int(query.get("limit")), 1, MAX_LIMIT, MAX_LIMIT)
        found = self.book.listed(include_disabled, order == "DESC")
        fingerprint = {k: v for k, v in query.items() if k not in ("cursor", "limit")}
        page, cursor = self.cursors.page("webhook-subscriptions", fingerprint, query.get("cursor"), found, limit)
        return reply(compact({"subscriptions": [s.to_json(with_key=False) for s in page], "cursor": cursor}))

    async def retrieve(self, request: web.Request) -> web.Response:
        return reply({"subscription": self._record(request).to_json()})

    async def update(self, request: web.Request) -> web.Response:
        record = self._record(request)
        body = await Body.read(request)
        sub = body.child("subscription") or Body({}, "subscription")
        changes: dict[str, Any] = {}
        if sub.has("name"):
            changes["name"] = self._name(sub)
        if sub.has("enabled"):
            changes["enabled"] = _enabled(sub, record.enabled)
        if sub.has("event_types"):
            changes["event_types"] = self._event_types(sub, required=True)
        if sub.has("notification_url"):
            changes["notification_url"] = self._url(sub, required=True)
        if sub.has("api_version"):
            changes["api_version"] = self._version(sub)
        return reply({"subscription": self.book.change(record, **changes).to_json()})

    async def delete(self, request: web.Request) -> web.Response:
        self.book.remove(self._record(request).id)
        return reply({})

    async def rotate_key(self, request: web.Request) -> web.Response:
        record = self._record(request)
        body = await Body.read(request)
        key = body.text("idempotency_key", max_length=MAX_KEY_LENGTH)
        scope = f"signature-key:{record.id}"
        if key and (answer := self.keys.replay(scope, key, body.data)) is not None:
            return reply(answer)
        answer = {"signature_key": self.book.change(record, signature_key=new_signature_key()).signature_key}
        if key:
            self.keys.remember(scope, key, body.data, answer)
        return reply(answer)

    async def test(self, request: web.Request) -> web.Response:
        """Sends one sample event now and answers with what the receiver said (no retry)."""
        record = self._record(request)
        body = await Body.read(request)
        event_type = body.text("event_type") or record.event_types[0]
        if event_type not in record.event_types:
            raise invalid(f"The subscription does not include `{event_type}`.", "event_type")
        now, event_id = self.clock(), str(uuid.uuid4())
        payload = {"merchant_id": self.merchant_id, "type": event_type, "event_id": event_id,
                   "created_at": rfc3339(now), "data": {"type": event_type.split(".")[0], "id": str(uuid.uuid4()),
                                                        "object": {}}}
        raw = json.dumps(payload, separators=(",", ":")).encode()
        done = await self.courier.post(
            target=record.id, event=event_id, topic=event_type, url=record.notification_url, body=raw,
            headers={"Content-Type": "application/json", "square-version": record.api_version,
                     "square-environment": ENVIRONMENT,
                     "x-square-hmacsha256-signature": signature(record.signature_key, record.notification_url, raw)})
        return reply({"subscription_test_result": compact({
            "id": str(uuid.uuid4()), "status_code": done.status, "payload": payload,
            "notification_url": record.notification_url, "passes_filter": True,
            "created_at": rfc3339(now), "updated_at": rfc3339(now)})})

    def _record(self, request: web.Request) -> Subscription:
        record = self.book.records.get(request.match_info["subscription_id"])
        if record is None:
            raise not_found("Webhook subscription not found.", "subscription_id")
        return record

    def _name(self, sub: Body) -> str | None:
        return sub.text("name", max_length=MAX_NAME_LENGTH)

    def _event_types(self, sub: Body, required: bool) -> tuple[str, ...] | None:
        types = sub.texts("event_types")
        if not types:
            if required:
                raise missing(sub.field("event_types"))
            return None
        for t in types:
            if t not in EVENT_TYPES:
                raise invalid(f"`{t}` is not a valid event type.", sub.field("event_types"))
        return tuple(dict.fromkeys(types))

    def _url(self, sub: Body, required: bool) -> str | None:
        url = sub.text("notification_url", required=required, max_length=MAX_URL_LENGTH)
        if url is not None and (problem := url_problem(url, self.allow_http())):
            raise invalid(f"Invalid notification_url: {problem}", sub.field("notification_url"))
        return url

    def _version(self, sub: Body) -> str | None:
        version = sub.text("api_version")
        if version is not None and not API_VERSION.fullmatch(version):
            raise invalid(f"`{version}` is not an API version (YYYY-MM-DD).", sub.field("api_version"))
        return version


def _enabled(sub: Body, default: bool) -> bool:
    return sub.flag("enabled") if sub.has("enabled") else default


def _query_flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value.lower() not in ("true", "false"):
        raise invalid(f"Expected a boolean for `{name}`.", name)
    return value.lower() == "true"


def _query_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise invalid("Expected an integer for `limit`.", "limit") from None
