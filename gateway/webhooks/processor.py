"""Works through the inbox in the background: each event taken under a lease (one replica at a time), translated
by its system's adapter, applied, then marked processed. Woken at once by a delivery received here, and every
POLL_S in any case: for events another replica received, and for what a crash left (their lease lapses).

A change the back office's read cannot complete (the POS catalog down while mapping an inventory count) is tried
again after its lease, MAX_ATTEMPTS times in all; a body that is not the event it claims is given up at once.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from connectors.changes import Change, Malformed, WebhookFormat
from connectors.domain import System
from connectors.errors import ConnectorError
from connectors.webhook_ports import Inbox, InboxEvent

from ..clock import Clock
from ..observability.webhook_metrics import OTHER, WebhookMetrics

POLL_S = 1.0
LEASE = timedelta(seconds=30)
BATCH = 50
MAX_ATTEMPTS = 5
KEEP = timedelta(days=7)  # processed events kept this long: Square redelivers for 24 h, catch-up reads the newest
PRUNE_EVERY_S = 3600.0
log = logging.getLogger("omnigate.webhooks")


class Processor:
    def __init__(self, inbox: Inbox, formats: Mapping[System, WebhookFormat],
                 apply: Callable[[Change], Awaitable[None]], metrics: WebhookMetrics, clock: Clock) -> None:
        self._inbox = inbox
        self._formats = formats
        self._apply = apply
        self._metrics = metrics
        self._clock = clock
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A delivery was kept here: process it now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Until cancelled; starts with whatever the inbox holds (a crash, a restart)."""
        pruned_at = float("-inf")
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            try:
                while await self.process_due():
                    pass
                await self._observe_backlog()
                if loop.time() - pruned_at > PRUNE_EVERY_S:
                    pruned_at = loop.time()
                    await self._inbox.prune(self._clock() - KEEP)
            except ConnectorError as error:  # the ledger itself did not answer: try again at the next poll
                log.warning("webhook inbox unavailable: %s", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_S)

    async def process_due(self) -> int:
        """One batch of due events processed; how many were taken."""
        events = await self._inbox.take(self._clock(), LEASE, BATCH)
        for event in events:
            await self._process(event)
        return len(events)

    async def _process(self, event: InboxEvent) -> None:
        form = self._formats.get(event.system)
        kind = event.type if form is not None and event.type in form.types else OTHER
        try:
            if form is None:
                raise Malformed(f"no format for the {event.system}")
            for change in await form.changes(event):
                await self._apply(change)
        except Malformed as error:
            log.error("webhook event %s/%s (%s) given up: %s", event.system, event.event_id, event.type, error)
            outcome = "given_up"
        except Exception as error:  # one event's failure must not stop the others
            if event.attempts < MAX_ATTEMPTS:
                log.warning("webhook event %s/%s (%s) failed (attempt %d), tried again in %s: %s", event.system,
                            event.event_id, event.type, event.attempts, LEASE, error)
                self._metrics.processed.labels(event.system.value, kind, "retry").inc()
                return
            log.error("webhook event %s/%s (%s) given up after %d attempts: %s", event.system, event.event_id,
                      event.type, event.attempts, error)
            outcome = "given_up"
        else:
            outcome = "done"
        await self._inbox.processed(event.system, event.event_id, self._clock())
        self._metrics.processed.labels(event.system.value, kind, outcome).inc()

    async def _observe_backlog(self) -> None:
        pending, oldest = await self._inbox.backlog()
        age = (self._clock() - oldest).total_seconds() if oldest is not None else None
        self._metrics.observe_backlog(pending, age)
