"""What a stock-filtered read gets from the availability index: the sets as of now, or why it cannot have them.

Before the first build completes the read waits a moment for it (`WARM_WAIT_S`), then is refused with
`WARMING_UP`: an empty answer that says so beats a wrong list or a scan of the estate on the request path.
Once built, a read first lets the re-reads that events asked for land (`APPLY_WAIT_S`: a write's effect is
seen by the next read) and runs the lapsed holds off; when the POS has not answered the index for longer than
`availability_stale_s`, the answer still comes from it but names `pos` in `extensions.staleSources`.
"""

from datetime import datetime

from ..cache import mark_stale
from ..errors import ErrorCode, GatewayError
from .index import RETRY_AFTER_S, AvailabilityIndex
from .sets import SellableSets

WARM_WAIT_S = 1.0
APPLY_WAIT_S = 0.5
WARMING_MESSAGE = "the availability index is still being built; ask again shortly"


class IndexWarming(GatewayError):
    def __init__(self, detail: str | None) -> None:
        super().__init__(WARMING_MESSAGE + (f" (last attempt: {detail})" if detail else ""), ErrorCode.WARMING_UP,
                         retryAfterS=RETRY_AFTER_S, index="availability")


async def current_sets(index: AvailabilityIndex, now: datetime, stale_after_s: float) -> SellableSets:
    """Raises IndexWarming until the index has been built once."""
    if not await index.built(WARM_WAIT_S) or index.sets is None:
        raise IndexWarming(str(index.failure) if index.failure else None)
    await index.changes_applied(APPLY_WAIT_S)
    sets = index.sets
    sets.lapse(now)
    lag = index.lag_s(now)
    if lag is not None and lag > stale_after_s:
        mark_stale("pos", lag)
    return sets
