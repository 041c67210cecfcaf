"""Search cursors: what a page hands out reads back as the same position."""

from __future__ import annotations

import math
from typing import Any

import pytest

from heritage.search import SortOrder, search_request
from heritage.search.request import SearchSource, encode_cursor


@pytest.mark.parametrize(
    ("sort", "values", "near"),
    [
        (SortOrder.RELEVANCE, [12.3456789012345, 4711], None),
        (SortOrder.REGISTERED, [1732579200000, 9_007_199_254_740_993], None),
        (SortOrder.NAME, ["平遥古城", 17], None),
        (SortOrder.DISTANCE, [math.inf, 3], (37.2, 112.18, 5.0, "WGS84")),
        (SortOrder.DISTANCE, [0.125, 3], (37.2, 112.18, 5.0, "WGS84")),
    ],
)
def test_a_cursor_reads_back_as_its_sort_values(
    sort: SortOrder, values: list[Any], near: Any
) -> None:
    for source in SearchSource:
        cursor = encode_cursor(source, sort, values)
        request = search_request(sort=sort, after=cursor, near=near)
        assert request.after_source is source
        assert request.after == tuple(values)
