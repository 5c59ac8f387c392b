"""What operators see of the availability index: its state on `/status`, its gauges on `/metrics`.

`warming` until the first build completes, `stale` when the POS has not answered it for longer than
`availability_stale_s` (the answers name `pos` in `staleSources` then), `built` otherwise.
"""

from dataclasses import dataclass
from datetime import datetime

from .index import AvailabilityIndex


@dataclass(frozen=True)
class IndexReport:
    state: str
    built_at: datetime | None
    checked_at: datetime | None
    pos_answered_at: datetime | None
    age_s: float | None  # since the POS last answered the index
    build_s: float | None
    stores: int
    skus: int
    sellable_pairs: int
    pos_reads: int
    failure: str | None

    def as_json(self, memory_bytes: int | None) -> dict[str, object]:
        """`/status`'s `availability`; `memory_bytes` is the bitmaps' (None before the first build)."""
        return {"state": self.state, "builtAt": _iso(self.built_at), "checkedAt": _iso(self.checked_at),
                "posAnsweredAt": _iso(self.pos_answered_at), "ageS": _rounded(self.age_s),
                "buildS": _rounded(self.build_s), "stores": self.stores, "skus": self.skus,
                "sellablePairs": self.sellable_pairs, "memoryBytes": memory_bytes, "posReads": self.pos_reads,
                "lastError": self.failure}


def index_report(index: AvailabilityIndex, now: datetime, stale_after_s: float) -> IndexReport:
    sets = index.sets
    age = index.lag_s(now)
    state = "warming" if sets is None else "stale" if age is not None and age > stale_after_s else "built"
    return IndexReport(state, index.built_at, index.checked_at, index.synced_at, age, index.built_in_s,
                       len(sets.stores) if sets else 0, len(sets.skus) if sets else 0,
                       sets.sellable_pairs() if sets else 0, index.pacer.calls,
                       str(index.failure) if index.failure else None)


def index_memory(index: AvailabilityIndex) -> int | None:
    return index.sets.memory_bytes() if index.sets is not None else None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _rounded(seconds: float | None) -> float | None:
    return round(seconds, 3) if seconds is not None else None
