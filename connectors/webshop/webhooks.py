"""WooCommerce's webhooks and its `modified_after` re-reads: how Omnigate subscribes to the shop's changes and
reads back what changed while its webhooks were not delivering.

WooCommerce never retries a failed delivery; after 5 failures in a row it sets the webhook's status to
`disabled`, and only a change of status (to `active`) makes it deliver again. What changed meanwhile is read
with `modified_after` (in GMT, `dates_are_gmt`), each record then processed as the delivery it would have been.
"""

import json
from datetime import UTC, datetime
from urllib.parse import quote

from connectors.errors import UpstreamMalformed, UpstreamNotFound
from connectors.http import UpstreamClient
from connectors.subscription_ports import PulledEvent, Subscription

from .listing import Lister
from .read_wire import Json, instant

WEBHOOKS_PATH = "/webhooks"
ACTIVE = "active"
PULLED_PREFIX = "modified"  # pulled events' ids: never a delivery id, which is a number


class WooWebhooks:
    """Serves SecretWebhooks and ChangeHistory."""

    def __init__(self, client: UpstreamClient, lister: Lister) -> None:
        self._client = client
        self._lister = lister

    async def webhooks(self) -> list[Subscription]:
        rows = await self._lister.all_pages(WEBHOOKS_PATH, {"status": "all", "orderby": "id", "order": "asc"})
        return [_subscription(row) for row in rows]

    async def create(self, name: str, url: str, topic: str, secret: str) -> Subscription:
        body = {"name": name, "topic": topic, "delivery_url": url, "secret": secret, "status": ACTIVE}
        return _subscription(self._webhook(await self._client.request("POST", WEBHOOKS_PATH, json=body)))

    async def update(self, webhook_id: str, url: str, secret: str, active: bool) -> Subscription:
        """A PUT of whole fields, so safe to retry."""
        body = {"delivery_url": url, "secret": secret, "status": ACTIVE if active else "paused"}
        answer = await self._client.request("PUT", _path(webhook_id), json=body, idempotent=True)
        return _subscription(self._webhook(answer))

    async def delete(self, webhook_id: str) -> None:
        try:
            await self._client.request("DELETE", _path(webhook_id), params={"force": "true"}, idempotent=True)
        except UpstreamNotFound:
            return  # gone already

    async def changed_orders(self, since: datetime) -> list[PulledEvent]:
        return await self._changed("/orders", "order.updated", since, {"status": "any"})

    async def changed_products(self, since: datetime) -> list[PulledEvent]:
        return await self._changed("/products", "product.updated", since, {"status": "any"})

    async def changed_customers(self, since: datetime) -> list[PulledEvent]:
        return await self._changed("/customers", "customer.updated", since, {"role": "all"})

    async def _changed(self, path: str, topic: str, since: datetime, extra: dict[str, str]) -> list[PulledEvent]:
        """Every record modified after `since`, by id so pages cannot shift while read, oldest change first."""
        stamp = since.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        rows = await self._lister.all_pages(path, {**extra, "modified_after": stamp, "dates_are_gmt": "true",
                                                   "orderby": "id", "order": "asc"})
        events = (_pulled(topic, row) for row in rows)
        return sorted((e for e in events if e is not None), key=lambda e: e.created_at)

    def _webhook(self, body: object) -> Json:
        if not isinstance(body, dict) or not isinstance(body.get("id"), int):
            raise UpstreamMalformed(self._client.system, "a webhook answer without a webhook id")
        return body


def _subscription(row: Json) -> Subscription:
    topic = row.get("topic")
    return Subscription(id=str(row.get("id")), name=str(row.get("name") or ""),
                        url=str(row.get("delivery_url") or ""), topics=(topic,) if isinstance(topic, str) else (),
                        enabled=row.get("status") == ACTIVE)


def _pulled(topic: str, row: Json) -> PulledEvent | None:
    """The record as an `<kind>.updated` delivery would carry it; its id names the record and the change, so the
    same change read twice is one event."""
    modified = instant(row.get("date_modified_gmt")) or instant(row.get("date_created_gmt"))
    if not isinstance(row.get("id"), int) or modified is None:
        return None
    event_id = f"{PULLED_PREFIX}:{topic}:{row['id']}:{modified.isoformat(timespec='seconds')}"
    return PulledEvent(event_id, topic, modified, json.dumps(row, separators=(",", ":")).encode())


def _path(webhook_id: str) -> str:
    return f"{WEBHOOKS_PATH}/{quote(webhook_id, safe='')}"
