"""The availability index: per store, the articles it can sell now, for every stock-filtered read."""

from .candidates import SearchCandidates
from .index import AvailabilityIndex, Tuning
from .reads import IndexWarming, current_sets
from .sets import SellableSets

__all__ = ["AvailabilityIndex", "IndexWarming", "SearchCandidates", "SellableSets", "Tuning", "current_sets"]
