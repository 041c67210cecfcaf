"""What a search asks and what it answers, the same for every backend.

:func:`search_request` checks the caller's input and turns it into a :class:`SearchRequest`
(coded :class:`~heritage.services.errors.ServiceError` problems for bad input: text that is
too long or has nothing to search for, a radius out of range, a reversed era range, an unknown
region, a forged cursor). Backends answer with a :class:`SearchResult`.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import orjson

from heritage.domain import crs, regions
from heritage.domain.errors import DomainValueError
from heritage.domain.official_codes import parse_national_code
from heritage.search.keys import MAX_TERMS, MAX_TEXT, query_terms
from heritage.services.errors import ErrorCode, Problems, ServiceError
from heritage.services.listing import ObjectFilter

#: Widest radius a ``near`` search accepts, in kilometres.
MAX_RADIUS_KM = 1000.0
#: Most hits in one page.
MAX_PAGE = 100
#: Era years sort after every dated record when unknown.
UNDATED_SORT_YEAR = 99_999
#: Sensitive locations are searched at this precision (decimals), as the API shows them.
SENSITIVE_DECIMALS = 1


class SearchSource(StrEnum):
    """Where results come from."""

    ELASTICSEARCH = "ELASTICSEARCH"
    DATABASE = "DATABASE"


class SortOrder(StrEnum):
    """Orders a search can return."""

    RELEVANCE = "RELEVANCE"
    NAME = "NAME"
    DISTANCE = "DISTANCE"
    ERA = "ERA"
    REGISTERED = "REGISTERED"


class Facet(StrEnum):
    """Facets counted over all matches."""

    PROTECTION_LEVEL = "protection_levels"
    DESIGNATION_TYPE = "designation_types"
    REGION = "regions"
    CATEGORY = "categories"
    CONDITION = "conditions"


@dataclass(frozen=True, slots=True)
class Near:
    """A WGS-84 point and a radius."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A WGS-84 rectangle (it may not cross the antimeridian)."""

    north: float
    south: float
    east: float
    west: float


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A checked search: text terms, filters, geography, order, page."""

    terms: tuple[str, ...] = ()
    filter: ObjectFilter = field(default_factory=ObjectFilter)
    near: Near | None = None
    bbox: BoundingBox | None = None
    sort: SortOrder = SortOrder.RELEVANCE
    size: int = 20
    after: tuple[Any, ...] | None = None
    after_source: SearchSource | None = None
    facets: bool = True

    @property
    def facet_region_length(self) -> int:
        """Code length of the region facet: one level below the region filter."""
        prefix = self.filter.region_prefix or ""
        return next((n for n in (2, 4, 6, 9, 12) if n > len(prefix)), 12)


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching record, with the values it was sorted by (for the next page's cursor)."""

    object_id: int
    sort: tuple[Any, ...]
    score: float | None = None
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class FacetCount:
    """How many matches carry one facet value."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits, the total, the facets and where they come from.

    ``degraded`` is set when the configured engine could not answer and the database did;
    ``notice`` says why, in words for the user.
    """

    hits: list[Hit]
    total: int
    facets: dict[Facet, list[FacetCount]]
    source: SearchSource
    has_more: bool
    degraded: bool = False
    notice: str | None = None

    def degrade(self, notice: str) -> SearchResult:
        """This result, marked as coming from the fallback for ``notice``."""
        return replace(self, degraded=True, notice=notice)


def search_request(
    *,
    text: str | None = None,
    filter: ObjectFilter | None = None,
    region_code: str | None = None,
    near: tuple[float, float, float, str] | None = None,
    bbox: tuple[float, float, float, float, str] | None = None,
    sort: SortOrder | None = None,
    first: int | None = None,
    after: str | None = None,
    facets: bool = True,
) -> SearchRequest:
    """Check a search's input and build the request.

    ``near`` is ``(lat, lon, radius_km, crs)`` and ``bbox`` ``(north, south, east, west,
    crs)``, in any coordinate system :func:`heritage.domain.crs.to_wgs84` converts.
    Without text the default order is by registration; with text, by relevance.

    Raises:
        ServiceError: every problem found, each on its input field.
    """
    problems = Problems()
    flt = filter or ObjectFilter()
    terms: list[str] = []
    stripped = (text or "").strip()
    if len(stripped) > MAX_TEXT:
        problems.add("text", ErrorCode.INVALID, f"search text is at most {MAX_TEXT} characters")
    elif stripped:
        code = _national_code(stripped)
        if code is not None:
            flt = replace(flt, national_code=code)
        else:
            terms = query_terms(stripped)
            if not terms:
                problems.add(
                    "text",
                    ErrorCode.INVALID,
                    "the search text has no letters, digits or characters to search for",
                )
            elif len(terms) > MAX_TERMS:
                problems.add("text", ErrorCode.INVALID, f"at most {MAX_TERMS} words")
    if region_code is not None:
        with problems.checking("filter.regionCode"):
            flt = replace(flt, region_prefix=regions.validate_region_code(region_code))
    _check_filter(problems, flt)
    near_point = _near(problems, near) if near is not None else None
    box = _bbox(problems, bbox) if bbox is not None else None
    order = sort or (SortOrder.RELEVANCE if terms else SortOrder.REGISTERED)
    if order is SortOrder.DISTANCE and near_point is None:
        problems.add("sort", ErrorCode.REQUIRED, "sorting by distance needs a point: give near")
    size = 20 if first is None else first
    if not 0 <= size <= MAX_PAGE:
        problems.add("first", ErrorCode.INVALID, f"page size must be 0 to {MAX_PAGE}, got {size}")
    source, values = _cursor(problems, after, order) if after else (None, None)
    problems.raise_if_any()
    return SearchRequest(
        terms=tuple(terms),
        filter=flt,
        near=near_point,
        bbox=box,
        sort=order,
        size=size,
        after=values,
        after_source=source,
        facets=facets,
    )


def _national_code(text: str) -> str | None:
    """``text`` when it is a 国保 number (full or short form), else ``None``."""
    try:
        parse_national_code(text)
    except DomainValueError:
        return None
    return text


def _check_filter(problems: Problems, flt: ObjectFilter) -> None:
    if flt.era_from is not None and flt.era_to is not None and flt.era_from > flt.era_to:
        problems.add(
            "filter.eraTo",
            ErrorCode.ERA_RANGE_REVERSED,
            f"era range ends ({flt.era_to}) before it starts ({flt.era_from})",
        )


def _wgs84(
    problems: Problems, field: str, lat: float, lon: float, system: str
) -> tuple[float, float] | None:
    """``(lat, lon)`` in WGS-84, or ``None`` with a problem on ``field``."""
    with problems.checking(field):
        wgs_lon, wgs_lat = crs.to_wgs84(lon, lat, system)
        return wgs_lat, wgs_lon
    return None


def _near(problems: Problems, near: tuple[float, float, float, str]) -> Near | None:
    lat, lon, radius, system = near
    point = _wgs84(problems, "near", lat, lon, system)
    if not (math.isfinite(radius) and 0 < radius <= MAX_RADIUS_KM):
        problems.add(
            "near.radiusKm",
            ErrorCode.INVALID,
            f"radius must be more than 0 and at most {MAX_RADIUS_KM:g} km, got {radius:g}",
        )
        return None
    return Near(lat=point[0], lon=point[1], radius_km=radius) if point else None


def _bbox(problems: Problems, bbox: tuple[float, float, float, float, str]) -> BoundingBox | None:
    north, south, east, west, system = bbox
    north_east = _wgs84(problems, "boundingBox", north, east, system)
    south_west = _wgs84(problems, "boundingBox", south, west, system)
    if north_east is None or south_west is None:
        return None
    if south_west[0] > north_east[0] or south_west[1] > north_east[1]:
        problems.add(
            "boundingBox", ErrorCode.INVALID, "south must not exceed north, nor west exceed east"
        )
        return None
    return BoundingBox(
        north=north_east[0], south=south_west[0], east=north_east[1], west=south_west[1]
    )


# --- cursors ----------------------------------------------------------------------------------


def encode_cursor(source: SearchSource, sort: SortOrder, values: Sequence[Any]) -> str:
    """An opaque cursor: the backend, the order and the sort values of the last hit.

    Made for every hit of a page: by orjson (1 µs; the standard library's JSON takes 6),
    except for a sort value orjson would write as ``null`` (an infinite distance, which the
    standard library keeps as ``Infinity``). Both read back with :func:`_cursor`."""
    content = {"s": source.value, "o": sort.value, "v": list(values)}
    if all(type(v) is not float or math.isfinite(v) for v in content["v"]):
        payload = orjson.dumps(content)
    else:
        payload = json.dumps(content).encode()
    return base64.urlsafe_b64encode(payload).decode()


def _cursor(
    problems: Problems, cursor: str, order: SortOrder
) -> tuple[SearchSource | None, tuple[Any, ...] | None]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        source = SearchSource(payload["s"])
        cursor_order = SortOrder(payload["o"])
        values = payload["v"]
        if not isinstance(values, list) or not all(
            isinstance(v, int | float | str) for v in values
        ):
            raise ValueError(values)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        problems.add("after", ErrorCode.INVALID, "not a cursor of a search")
        return None, None
    if cursor_order is not order:
        problems.add("after", ErrorCode.INVALID, "the cursor belongs to another sort order")
        return None, None
    return source, tuple(values)


def check_cursor_source(request: SearchRequest, source: SearchSource) -> None:
    """Refuse a cursor made by another backend (sort values differ between them)."""
    if request.after is not None and request.after_source is not source:
        raise ServiceError.single(
            "after",
            ErrorCode.INVALID,
            f"this cursor came from {request.after_source} results but the search is now "
            f"answered by {source}; start again from the first page",
        )
