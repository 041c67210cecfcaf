"""Preparing the long-running server process (``heritage serve``), not the library or tests."""

from __future__ import annotations

import gc

from heritage.domain import regions

# Container allocations between collections of the youngest generation (CPython's default: 700).
YOUNG_GENERATION_THRESHOLD = 20_000


def tune_garbage_collector() -> None:
    """Collect less often: a request for a page of 100 sites builds tens of thousands of objects.

    With CPython's defaults the collector ran a dozen times per such request, scanning objects
    that the request still used and that reference counting frees right after it; the GraphQL
    list spent about a sixth of its CPU time there. The objects alive at start-up (schema,
    mappers, the region tables, loaded here first) are frozen out of the collector's way.
    """
    regions.region_table()
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, oldest)
