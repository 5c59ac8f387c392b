"""Catching up after a gap: what the POS and the web shop changed while their deliveries did not reach Omnigate
(it was down, Square gave up retrying, WooCommerce disabled the webhook) is read back from the systems and
written to the inbox as the deliveries it would have been, so the processor handles it the same way (an event
seen twice is kept once, by its id).

A pass runs at start-up, then every `OMNIGATE_WEBHOOK_CATCHUP_S` and whenever `soon()` is called, for each system
that has a registration:
- POS: Omnigate's subscription enabled again if someone disabled it, then Square's SearchEvents of the subscribed
  types from a margin before the newest event the ledger keeps (or this process's previous pass). An event comes
  back under its own id, so one delivered as well is kept once: every pass reads, and a delivery Square gave up
  on is found by the next pass;
- web shop: each of Omnigate's webhooks the shop disabled is made active again. Orders, products and customers
  modified after the last delivery (or this process's previous read) are read back only when deliveries may have
  been missed: at start-up, after a disabled webhook, and on `soon()`. A change read back gets an id of its own
  (a delivery's is WooCommerce's number), so reading at every pass would process each delivered change twice.

Until a system has caught up its caches are not trusted: at start-up, and when a subscription or webhook of it
is found disabled, the caches that system feeds (store stock for the POS, online products for the web shop) `distrust`
what they hold, so their next reads go to the system itself; nothing stored before the gap is served, fresh or
stale, here or from another replica's Redis entries.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from connectors.domain import System
from connectors.errors import ConnectorError
from connectors.subscription_ports import PulledEvent
from connectors.webhook_ports import InboxEvent, Registration

from ..backends import Backends
from ..clock import Clock
from ..loaders.shared import SharedCaches
from .registration import POS_EVENT_TYPES

MARGIN = timedelta(seconds=60)  # changes dated a little before the last one seen (clocks, queues) are read again
EVENTS_KEPT = timedelta(days=28)  # SearchEvents answers no further back (unverified)
RETRY_S = 15.0  # after a failed pass, the next one comes sooner than the interval
log = logging.getLogger("omnigate.webhooks")


class CatchUp:
    def __init__(self, backends: Backends, caches: SharedCaches, interval_s: float, clock: Clock,
                 wake: Callable[[], None] = lambda: None) -> None:
        """`wake`: tells the processor that events wait in the inbox."""
        self._backends = backends
        self._distrust_of: dict[System, tuple[Callable[[], None], ...]] = {
            System.POS: (caches.stock.distrust,), System.WEBSHOP: (caches.online_products.distrust,)}
        self._interval_s = interval_s
        self._clock = clock
        self._wake = wake
        self._read_from: dict[System, datetime] = {}  # where this process's last complete read began
        self._unread = {System.WEBSHOP}  # deliveries may have been missed: read back on the next pass
        self._soon = asyncio.Event()
        self.caught_up_at: dict[System, datetime] = {}

    def distrust_all(self) -> None:
        """At start-up: Omnigate was not listening before now, so nothing cached before now is trusted."""
        for system in self._distrust_of:
            self._distrust(system)

    def soon(self) -> None:
        """Deliveries may have been missed: the next pass starts now rather than at its interval, and reads back
        from the web shop too."""
        self._unread.add(System.WEBSHOP)
        self._soon.set()

    async def run(self) -> None:
        """Passes until cancelled, the first at once."""
        while True:
            failed = not await self.once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._soon.wait(), RETRY_S if failed else self._interval_s)
            self._soon.clear()

    async def once(self) -> bool:
        """One pass for each system; False when one failed (logged; the next pass tries again)."""
        results = await asyncio.gather(self._guarded(System.POS, self._pos),
                                       self._guarded(System.WEBSHOP, self._webshop))
        return all(results)

    async def _guarded(self, system: System, catch_up: Callable[[Registration, datetime], Awaitable[int]]) -> bool:
        started = self._clock()
        try:
            registration = await self._backends.registrations.get(system)
            if registration is None:
                return True  # nothing subscribed: nothing was missed, the caches stay on their TTLs
            recorded = await catch_up(registration, started)
        except ConnectorError as error:
            log.warning("webhooks: catching up with %s failed, tried again in %.0f s: %s", system.value, RETRY_S,
                        error)
            return False
        except Exception:  # a defect or the ledger's disk: logged whole, and the next pass tries again
            log.exception("webhooks: catching up with %s failed, tried again in %.0f s", system.value, RETRY_S)
            return False
        self.caught_up_at[system] = started
        if recorded:
            log.info("webhooks: %d %s events read back while catching up", recorded, system.value)
            self._wake()
        return True

    async def _pos(self, registration: Registration, started: datetime) -> int:
        await self._reenable_pos(registration)
        last = await self._backends.inbox.last_event(System.POS)
        since = max(self._since(System.POS, registration, last[1] if last else None), started - EVENTS_KEPT)
        found = await self._backends.pos_events.events_since(since, POS_EVENT_TYPES)
        recorded = await self._record(System.POS, found, started)
        self._read_from[System.POS] = started
        return recorded

    async def _webshop(self, registration: Registration, started: datetime) -> int:
        if await self._reenable(registration):
            self._unread.add(System.WEBSHOP)
        if System.WEBSHOP not in self._unread:
            return 0
        delivered = await self._backends.inbox.last_delivery_at(System.WEBSHOP)
        since = self._since(System.WEBSHOP, registration, delivered)
        changes = self._backends.webshop_changes
        found = await asyncio.gather(changes.changed_orders(since), changes.changed_products(since),
                                     changes.changed_customers(since))
        events = sorted((e for kind in found for e in kind), key=lambda e: e.created_at)
        recorded = await self._record(System.WEBSHOP, events, started)
        self._read_from[System.WEBSHOP] = started
        self._unread.discard(System.WEBSHOP)
        return recorded

    async def _reenable_pos(self, registration: Registration) -> None:
        """Omnigate's Square subscription delivering again if someone disabled it; SearchEvents has every event
        since, delivered or not."""
        subscriptions = self._backends.pos_subscriptions
        ours = [s for s in await subscriptions.subscriptions()
                if s.id == registration.subscription_id and not s.enabled]
        for subscription in ours:
            self._distrust(System.POS)
            log.warning("webhooks: the POS subscription %s was disabled; enabled again", subscription.id)
            await subscriptions.update(subscription.id, registration.notification_url, subscription.topics, True)

    async def _reenable(self, registration: Registration) -> bool:
        """Omnigate's webhooks that the shop disabled (5 failed deliveries in a row) delivering again; what they
        fed is not trusted until the changes since are read."""
        hooks = self._backends.webshop_webhooks
        ids = set(registration.subscription_id.split(","))
        disabled = [w for w in await hooks.webhooks()
                    if not w.enabled and (w.id in ids or w.url == registration.notification_url)]
        if not disabled:
            return False
        self._distrust(System.WEBSHOP)
        log.warning("webhooks: the web shop had disabled %s; enabled again", ", ".join(w.id for w in disabled))
        await asyncio.gather(*(hooks.update(w.id, registration.notification_url, registration.secret, active=True)
                               for w in disabled))
        return True

    def _since(self, system: System, registration: Registration, stored: datetime | None) -> datetime:
        """A margin before the later of what the ledger says was heard last (`stored`) and where this process's
        previous read began; with neither, before the registration."""
        known = [at for at in (stored, self._read_from.get(system)) if at is not None]
        return (max(known) if known else registration.registered_at) - MARGIN

    async def _record(self, system: System, events: list[PulledEvent], received_at: datetime) -> int:
        """Into the inbox as undelivered events; how many were new there."""
        recorded = 0
        for event in events:
            if await self._backends.inbox.record(InboxEvent(system, event.event_id, event.type, event.created_at,
                                                            received_at, event.body, delivered=False)):
                recorded += 1
        return recorded

    def _distrust(self, system: System) -> None:
        for distrust in self._distrust_of[system]:
            distrust()
