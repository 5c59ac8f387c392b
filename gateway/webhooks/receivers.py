"""`POST /webhooks/pos` and `POST /webhooks/webshop`: a delivery is verified, written to the inbox and answered;
the processor does the rest, so a back office never waits on (or retries because of) Omnigate's own work.

The signature is the authentication (no GraphQL credentials, no admission control: a delivery costs one
insert). Checked in this order, each refusal counted and logged, nothing kept:
- a body over 1 MiB: 413 (read no further);
- no registration for the system: 404. Nothing was subscribed here, so there is no secret to check against
  and, for the sender, no such endpoint (a 401 would say "wrong credentials" where there are none to get
  right); both Square and WooCommerce treat it as a failed delivery, retried or counted;
- no signature header, or one no current secret (nor the one a rotation replaced, during its grace) yields:
  401, compared in constant time;
- a signed body that is not an event of the documented shape: 400;
- a signed event older than MAX_AGE (a replay past what the inbox remembers): 401.
A WooCommerce ping (form body `webhook_id=<id>`, no topic) is answered 200 unsigned: WooCommerce sends it while
the registration is being created, before its id can be stored, and it carries nothing.
"""

import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web

from connectors.changes import Malformed, WebhookFormat
from connectors.webhook_ports import InboxEvent, Registration

from ..clock import Clock
from ..errors import ErrorCode, error_body
from ..observability.webhook_metrics import OTHER, WebhookMetrics

MAX_BODY_BYTES = 1 << 20
# Older than this, a signed event is a replay, not a delivery (Square retries for 24 h, WooCommerce delivers
# within minutes); under the inbox's keep (processor.KEEP), so a replay younger than this is a duplicate there.
MAX_AGE = timedelta(days=3)
log = logging.getLogger("omnigate.webhooks")


class TooLarge(Exception):
    pass


class Receiver:
    def __init__(self, form: WebhookFormat, registration: Callable[[], Awaitable[Registration | None]],
                 record: Callable[[InboxEvent], Awaitable[bool]], received: Callable[[], None],
                 metrics: WebhookMetrics, clock: Clock) -> None:
        self._form = form
        self._registration = registration
        self._record = record
        self._received = received
        self._metrics = metrics
        self._clock = clock

    async def handle(self, request: web.Request) -> web.Response:
        form = self._form
        try:
            body = await _body(request)
        except TooLarge:
            return self._refuse(413, "too_large", f"the body is over {MAX_BODY_BYTES} bytes",
                                ErrorCode.PAYLOAD_TOO_LARGE)
        if form.is_ping(request.headers, body):
            return web.json_response({"ok": True})
        registration = await self._registration()
        if registration is None:
            return self._refuse(404, "unregistered", f"no webhook of the {form.system} is registered here")
        signature = request.headers.get(form.signature_header)
        if not signature:
            return self._refuse(401, "unsigned", f"`{form.signature_header}` missing", ErrorCode.UNAUTHENTICATED)
        now = self._clock()
        if not any(hmac.compare_digest(signature.encode(), form.signature(secret, registration.notification_url,
                                                                          body).encode())
                   for secret in registration.secrets_at(now)):
            return self._refuse(401, "bad_signature", f"`{form.signature_header}` does not match",
                                ErrorCode.UNAUTHENTICATED)
        try:
            delivery = form.delivery(request.headers, body)
        except Malformed as error:
            return self._refuse(400, "malformed", str(error), ErrorCode.BAD_REQUEST)
        if delivery.created_at is not None and now - delivery.created_at > MAX_AGE:
            return self._refuse(401, "stale", f"the event is from {delivery.created_at.isoformat()}",
                                ErrorCode.UNAUTHENTICATED)
        event = InboxEvent(form.system, delivery.event_id, delivery.type, delivery.created_at or now, now, body)
        kind = delivery.type if delivery.type in form.types else OTHER
        if await self._record(event):
            self._metrics.received.labels(form.system.value, kind).inc()
            self._received()
        else:
            self._metrics.deduplicated.labels(form.system.value, kind).inc()
        return web.json_response({"ok": True})

    def _refuse(self, status: int, reason: str, message: str, code: ErrorCode | None = None) -> web.Response:
        """Counted and logged; the body says why in GraphQL's error shape, or, without a code, is a 404 as for
        any route that does not exist."""
        system = self._form.system.value
        self._metrics.rejected.labels(system, reason).inc()
        log.warning("webhook delivery from the %s refused (%s): %s", system, reason, message)
        if code is None:
            return web.Response(status=status, text=f"{status}: Not Found")
        return web.json_response(error_body(message, code, reason=reason), status=status)


async def _body(request: web.Request) -> bytes:
    """The raw body, refused as soon as it passes the limit (whatever Content-Length claims)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise TooLarge
    chunks, size = [], 0
    while chunk := await request.content.read(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)
