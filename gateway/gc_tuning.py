"""The garbage collector sized for a server whose heap is mostly long-lived caches.

With CPython's default thresholds (700, 10, 10) a young collection runs every 700 allocations and a full one
every 100 young ones once enough objects survived; with the shared caches holding a quarter of a million
objects, a partner's 100-product read (tens of thousands of short-lived objects) spent about a third of its CPU
in collections (bench/bulk.py). A larger young generation lets a request's garbage die between collections,
and what exists once the app has started (schema, reference data, the import graph) is frozen out of them.
"""

import gc

YOUNG_OBJECTS = 10_000  # CPython's default is 700
OLDER_EVERY = 10  # young collections per middle one, middle ones per full one (CPython's defaults)


def tune() -> None:
    """At process start, before the app is built."""
    gc.set_threshold(YOUNG_OBJECTS, OLDER_EVERY, OLDER_EVERY)


def freeze_started() -> None:
    """Once the app has started: what exists now lives as long as the process and is never scanned again."""
    gc.collect()
    gc.freeze()
