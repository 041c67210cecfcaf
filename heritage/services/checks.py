"""Checks shared by the use-cases: versions, dates, region codes, points, dating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from heritage.domain import crs, regions
from heritage.domain.dating import parse_dating, validate_era_range
from heritage.domain.periods import Period
from heritage.models.vocab import CoordinateSystem
from heritage.services.errors import ErrorCode, NotFoundError, Problem, Problems

# China keeps one time zone and no daylight saving: "today" for a date check is today in UTC+8.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def today_in_china() -> dt.date:
    """Today's date in China, against which "not in the future" is judged."""
    return dt.datetime.now(CHINA_TZ).date()


def check_version(problems: Problems, current: int, expected: int | None) -> None:
    """Refuse a write based on an older version of the record (no lost updates)."""
    if expected is not None and expected != current:
        problems.add(
            "version",
            ErrorCode.STALE_VERSION,
            f"the record is at version {current}, the change was made on version {expected}; "
            "reload it and apply the change again",
        )


def require_version(current: int, expected: int) -> None:
    """Raise at once if ``expected`` is not the record's current version."""
    problems = Problems()
    check_version(problems, current, expected)
    problems.raise_if_any()


def check_not_future(problems: Problems, field: str, value: dt.date | None) -> None:
    """Dates of things that happened cannot lie in the future."""
    if value is not None and value > today_in_china():
        problems.add(field, ErrorCode.DATE_IN_FUTURE, f"{value.isoformat()} is in the future")


def check_order(
    problems: Problems, field: str, start: dt.date | None, end: dt.date | None, what: str
) -> None:
    """``start`` must not come after ``end``."""
    if start is not None and end is not None and start > end:
        problems.add(field, ErrorCode.DATE_ORDER, f"{what}: {start} is after {end}")


def check_region_code(problems: Problems, field: str, code: str | None) -> None:
    """Region codes must be well formed and exist in the shipped division tables."""
    if code is not None:
        with problems.checking(field):
            regions.validate_region_code(code)


@dataclass(frozen=True, slots=True)
class Point:
    """A point in WGS-84 together with what was captured."""

    lon: float
    lat: float
    source_lon: float
    source_lat: float
    source_crs: CoordinateSystem


def check_point(
    problems: Problems,
    field: str,
    lon: float | None,
    lat: float | None,
    system: CoordinateSystem | None,
) -> Point | None:
    """Convert a captured point to WGS-84 and check it lies inside China's bounding box."""
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        problems.add(field, ErrorCode.REQUIRED, "give both lon and lat, or neither")
        return None
    source = system or CoordinateSystem.WGS84
    before = len(problems.items)
    with problems.checking(field):
        crs.validate_point(lon, lat)
    if len(problems.items) > before:
        return None
    with problems.checking(field):
        wgs_lon, wgs_lat = crs.to_wgs84(lon, lat, crs.CoordinateSystem(source.value))
        return Point(wgs_lon, wgs_lat, lon, lat, source)
    return None


@dataclass(frozen=True, slots=True)
class Era:
    """Dating as stored: raw text, years (BCE negative) and period codes."""

    raw: str | None
    start_year: int | None
    end_year: int | None
    periods: list[str]


def check_era(
    problems: Problems,
    raw: str | None,
    start_year: int | None,
    end_year: int | None,
    periods: list[str] | None,
) -> Era:
    """Fill years and periods from the raw dating text unless given, and check their order."""
    parsed_start, parsed_end, parsed_periods = start_year, end_year, periods
    if raw and (start_year is None or periods is None):
        with problems.checking("eraRaw"):
            dating = parse_dating(raw)
            if start_year is None and end_year is None:
                parsed_start, parsed_end = dating.start_year, dating.end_year
            if periods is None:
                parsed_periods = [p.value for p in dating.periods]
    for code in periods or []:
        if code not in Period.__members__:
            problems.add("periods", ErrorCode.PERIOD_UNKNOWN, f"{code!r} is not a period code")
    if parsed_start is not None:
        with problems.checking("eraStartYear"):
            validate_era_range(parsed_start, parsed_end, today=today_in_china())
    elif parsed_end is not None:
        problems.add("eraStartYear", ErrorCode.REQUIRED, "an end year needs a start year")
    return Era(raw, parsed_start, parsed_end, list(parsed_periods or []))


def not_found(kind: str, key: object, field: str = "id") -> NotFoundError:
    """The error for a missing record."""
    return NotFoundError([Problem(field, ErrorCode.NOT_FOUND, f"no {kind} with id {key}")])
