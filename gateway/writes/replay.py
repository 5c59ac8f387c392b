"""The journal's worker: runs the undos that are due until each succeeds, also after a restart."""

import asyncio
import logging
from datetime import timedelta

from connectors.errors import ConnectorError
from connectors.ports import UndoJournal

from ..clock import Clock
from .saga import backoff
from .undo import Undoer

LOG = logging.getLogger("omnigate.sagas")
REPLAY_EVERY_S = 1.0
BATCH = 50
LEASE = timedelta(seconds=30)  # longer than one undo's upstream calls take


async def replay_once(journal: UndoJournal, undoer: Undoer, clock: Clock) -> int:
    """Runs what is due now; returns how many undos succeeded."""
    done = 0
    for entry in await journal.take_due(clock(), LEASE, BATCH):
        try:
            await undoer.run(entry.undo)
        except ConnectorError as error:
            attempts = entry.attempts + 1
            await journal.postpone(entry.id, clock() + backoff(attempts), str(error))
            LOG.warning("journal: undo %s %s failed (attempt %d): %s", entry.undo.kind.value, entry.undo.target,
                        attempts, error)
            continue
        await journal.undone(entry.id)
        LOG.info("journal: undo %s %s done after %d failed attempts", entry.undo.kind.value, entry.undo.target,
                 entry.attempts)
        done += 1
    return done


async def replay_undos(journal: UndoJournal, undoer: Undoer, clock: Clock, every_s: float = REPLAY_EVERY_S) -> None:
    """Runs until cancelled; a round that fails (disk, lock) is logged and the next one tries again."""
    while True:
        try:
            await replay_once(journal, undoer, clock)
        except Exception as error:  # whatever failed, the entries stay journaled for the next round
            LOG.warning("journal: replaying undos failed: %s", error)
        await asyncio.sleep(every_s)
