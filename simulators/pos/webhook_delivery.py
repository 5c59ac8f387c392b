"""One Square event to one subscription: signed, posted, retried with backoff until a 2xx or the give-up age.

The signature is Square's: base64 of HMAC-SHA256 keyed with the subscription's `signature_key` over the
notification URL exactly as registered followed by the raw body. Each attempt reads the subscription again,
so a rotated key or a changed URL applies to retries, and a deleted or disabled subscription stops them.
"""

import asyncio
import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime

from simulators.webhooks.courier import Courier

from .webhook_subscriptions import SubscriptionBook

ENVIRONMENT = "Production"


def signature(key: str, url: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), url.encode() + body, hashlib.sha256).digest()).decode()


async def deliver(courier: Courier, book: SubscriptionBook, subscription_id: str, event_id: str, event_type: str,
                  body: bytes) -> None:
    """At least once: any answer but 2xx (or none within the timeout) is retried, then the event is dropped."""
    first = time.monotonic()
    initial = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    attempt = 1
    while (subscription := book.records.get(subscription_id)) is not None and subscription.enabled:
        headers = {"Content-Type": "application/json", "square-version": subscription.api_version,
                   "square-environment": ENVIRONMENT,
                   "x-square-hmacsha256-signature": signature(subscription.signature_key,
                                                              subscription.notification_url, body)}
        if attempt > 1:
            headers |= {"square-retry-number": str(attempt - 1), "square-retry-reason": "http_error",
                        "square-initial-delivery-timestamp": initial}
        done = await courier.post(target=subscription_id, event=event_id, topic=event_type,
                                  url=subscription.notification_url, body=body, headers=headers, attempt=attempt)
        if done.ok:
            return
        wait = courier.settings.delay(attempt)
        if time.monotonic() + wait - first > courier.settings.give_up_after_s:
            return  # Square's 24 hours are over: the event stays findable through SearchEvents only
        await asyncio.sleep(wait)
        attempt += 1
