"""Tidying the ledger: holds past their time are marked EXPIRED now and then.

A lapsed hold stopped counting against stock at its `expires_at` already (every read is "as of now"); the
sweep only keeps the active rows few and the stored status true for whoever reads the file directly.
"""

import asyncio
import logging

from connectors.ports import Reservations

from ..clock import Clock
from ..live import ChangeKind, LiveHub, ReservationChanged

SWEEP_EVERY_S = 600.0
LOG = logging.getLogger("omnigate.ledger")


async def sweep_lapsed_holds(reservations: Reservations, clock: Clock, every_s: float = SWEEP_EVERY_S,
                             live: LiveHub | None = None) -> None:
    """Runs until cancelled; a failed sweep is logged and tried again next time. Each hold it marks is told to
    `live` (its store's staff see the reservation lapse)."""
    while True:
        try:
            at = clock()
            expired = await reservations.expire(at)
            if expired:
                LOG.info("ledger: %d holds expired", len(expired))
            for hold in expired:
                if live is not None:
                    live.publish(ReservationChanged(ChangeKind.UPDATED, hold.id, hold.store_code, at))
        except Exception as error:  # whatever failed (disk, lock), the next round may succeed
            LOG.warning("ledger: sweeping lapsed holds failed: %s", error)
        await asyncio.sleep(every_s)
