"""Tidying the ledger: holds past their time are marked EXPIRED now and then.

A lapsed hold stopped counting against stock at its `expires_at` already (every read is "as of now"); the
sweep only keeps the active rows few and the stored status true for whoever reads the file directly.
"""

import asyncio
import logging

from connectors.ports import Reservations

from ..availability.publish import holds_changed
from ..cache import Refreshing
from ..clock import Clock
from ..crosswalk import Crosswalk
from ..live import ChangeKind, LiveHub, ReservationChanged

SWEEP_EVERY_S = 600.0
LOG = logging.getLogger("omnigate.ledger")


async def sweep_lapsed_holds(reservations: Reservations, clock: Clock, live: LiveHub, crosswalk: Refreshing[Crosswalk],
                             every_s: float = SWEEP_EVERY_S) -> None:
    """Runs until cancelled; a failed sweep is logged and tried again next time. Each lapsed hold is told to the
    live hub: its store's staff see the reservation lapse (the availability index lapses holds by their time
    already; the stock event is for the other listeners)."""
    while True:
        try:
            at = clock()
            expired = await reservations.expire(at)
            if expired:
                LOG.info("ledger: %d holds expired", len(expired))
            for hold in expired:
                live.publish(ReservationChanged(ChangeKind.UPDATED, hold.id, hold.store_code, at))
            await holds_changed(live, crosswalk, [(h.sku, h.store_code) for h in expired], at)
        except Exception as error:  # whatever failed (disk, lock), the next round may succeed
            LOG.warning("ledger: sweeping lapsed holds failed: %s", error)
        await asyncio.sleep(every_s)
