"""Coordinate reference systems met in Chinese heritage data, and conversion to WGS-84.

The registry stores points in WGS-84 (domain guide §6.1) and keeps the source system beside
them. Points come from GNSS devices and surveys (WGS-84, CGCS2000) and from Chinese web maps
(GCJ-02 for Amap/Tencent, BD-09 for Baidu); older drawings use 1980西安 or 1954北京.

Conversions implemented here:

* **CGCS2000 ↔ WGS-84: identity.** The two frames differ by centimetres to decimetres,
  below the precision of a registry point, so the coordinates are passed through unchanged.
* **GCJ-02 ↔ WGS-84**: the published GCJ-02 formula (a closed-form, non-linear offset of
  up to several hundred metres). The forward direction is exact. The inverse has no closed form;
  it is solved by fixed-point iteration to better than 1e-9° (≈ 0.1 mm). As in the standard
  algorithm, points outside the rough rectangle around China (:data:`GCJ_SHIFT_BBOX`) are
  not shifted.
* **BD-09 ↔ GCJ-02**: Baidu's published extra rotation and offset on top of GCJ-02, applied
  everywhere (the GCJ-02 step alone stops at the rectangle). Its inverse is also iterated.
* **1980西安, 1954北京, local systems: refused** (``CRS_NOT_CONVERTIBLE``). Their conversion
  needs transformation parameters that are specific to each survey area and not public.

A small implementation is used instead of a PyPI package: the packages that exist are
untyped and unmaintained since 2019 (``coord-convert`` stops the inverse at 1e-6°), or need
Python ≥ 3.14 (``prcoords-typed``); ``pyproj`` has no GCJ-02.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from heritage.domain.errors import DomainValueError

__all__ = [
    "CHINA_BBOX",
    "GCJ_SHIFT_BBOX",
    "BBox",
    "CoordinateSystem",
    "convert",
    "from_wgs84",
    "haversine_m",
    "to_wgs84",
    "validate_point",
]


class CoordinateSystem(StrEnum):
    """A coordinate reference system of a source point; the value is the storage code."""

    WGS84 = "WGS84"
    CGCS2000 = "CGCS2000"
    GCJ02 = "GCJ02"
    BD09 = "BD09"
    XIAN80 = "XIAN80"
    BEIJING54 = "BEIJING54"
    LOCAL = "LOCAL"

    @property
    def epsg(self) -> int | None:
        """EPSG code of the geographic 2D system, ``None`` where none exists."""
        return _EPSG[self]

    @property
    def label_zh(self) -> str:
        """Chinese name."""
        return _LABELS[self]

    @property
    def convertible(self) -> bool:
        """True when :func:`to_wgs84` can convert points of this system."""
        return self in _CONVERTIBLE


_EPSG: dict[CoordinateSystem, int | None] = {
    CoordinateSystem.WGS84: 4326,
    CoordinateSystem.CGCS2000: 4490,
    CoordinateSystem.GCJ02: None,
    CoordinateSystem.BD09: None,
    CoordinateSystem.XIAN80: 4610,
    CoordinateSystem.BEIJING54: 4214,
    CoordinateSystem.LOCAL: None,
}
_LABELS: dict[CoordinateSystem, str] = {
    CoordinateSystem.WGS84: "WGS-84 世界大地坐标系",
    CoordinateSystem.CGCS2000: "2000国家大地坐标系",
    CoordinateSystem.GCJ02: "国测局坐标系 (GCJ-02)",
    CoordinateSystem.BD09: "百度坐标系 (BD-09)",
    CoordinateSystem.XIAN80: "1980西安坐标系",
    CoordinateSystem.BEIJING54: "1954北京坐标系",
    CoordinateSystem.LOCAL: "地方独立坐标系",
}
_CONVERTIBLE = frozenset(
    {
        CoordinateSystem.WGS84,
        CoordinateSystem.CGCS2000,
        CoordinateSystem.GCJ02,
        CoordinateSystem.BD09,
    }
)


@dataclass(frozen=True, slots=True)
class BBox:
    """A longitude/latitude rectangle (degrees, bounds included)."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float) -> bool:
        """True when the point lies inside the rectangle or on its edge."""
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat


#: Sanity rectangle for points of Chinese heritage (domain guide §6.1).
CHINA_BBOX = BBox(73.5, 3.8, 135.1, 53.6)
#: Rectangle inside which the standard GCJ-02 algorithm shifts points.
GCJ_SHIFT_BBOX = BBox(72.004, 0.8293, 137.8347, 55.8271)

# Krasovsky 1940 ellipsoid, as the GCJ-02 formula uses it.
_A = 6378245.0
_EE = 0.00669342162296594323
# BD-09 constants.
_BD_DLON = 0.0065
_BD_DLAT = 0.006
_BD_K = math.pi * 3000.0 / 180.0

_Forward = Callable[[float, float], tuple[float, float]]

_TOLERANCE = 1e-10
_MAX_ITERATIONS = 40


def _check_range(lon: float, lat: float) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise DomainValueError(
            "COORDINATE_OUT_OF_RANGE", f"coordinates must be finite: ({lon}, {lat})", field="lon"
        )
    if not -180.0 <= lon <= 180.0:
        raise DomainValueError(
            "COORDINATE_OUT_OF_RANGE", f"longitude {lon} is outside -180…180", field="lon"
        )
    if not -90.0 <= lat <= 90.0:
        raise DomainValueError(
            "COORDINATE_OUT_OF_RANGE",
            f"latitude {lat} is outside -90…90{_swap_hint(lon, lat)}",
            field="lat",
        )


def _swap_hint(lon: float, lat: float) -> str:
    return " (longitude and latitude look swapped)" if CHINA_BBOX.contains(lat, lon) else ""


def _offset_lat(x: float, y: float) -> float:
    s = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    s += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    s += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    s += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y / 30.0 * math.pi)) * 2.0 / 3.0
    return s


def _offset_lon(x: float, y: float) -> float:
    s = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    s += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    s += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    s += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return s


def _wgs_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    if not GCJ_SHIFT_BBOX.contains(lon, lat):
        return lon, lat
    # The offsets are computed in metres on a plane around (105°E, 35°N), then turned into
    # degrees with the ellipsoid's meridian and parallel radii of curvature at this latitude.
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad = math.radians(lat)
    w = 1.0 - _EE * math.sin(rad) ** 2
    meridian_radius = _A * (1.0 - _EE) / (w * math.sqrt(w))
    parallel_radius = _A / math.sqrt(w) * math.cos(rad)
    return (
        lon + d_lon * 180.0 / (parallel_radius * math.pi),
        lat + d_lat * 180.0 / (meridian_radius * math.pi),
    )


def _invert(
    forward: _Forward, target_lon: float, target_lat: float, guess: tuple[float, float]
) -> tuple[float, float]:
    """Solve ``forward(p) == target`` by fixed-point iteration starting from ``guess``.

    The offsets change slowly with position, so each step moves the estimate by the current
    error; convergence to 1e-10° takes 2–4 steps inside China.
    """
    lon, lat = guess
    for _ in range(_MAX_ITERATIONS):
        f_lon, f_lat = forward(lon, lat)
        d_lon, d_lat = f_lon - target_lon, f_lat - target_lat
        lon, lat = lon - d_lon, lat - d_lat
        if abs(d_lon) < _TOLERANCE and abs(d_lat) < _TOLERANCE:
            break
    return lon, lat


def _gcj_to_wgs(lon: float, lat: float) -> tuple[float, float]:
    if not GCJ_SHIFT_BBOX.contains(lon, lat):
        return lon, lat
    return _invert(_wgs_to_gcj, lon, lat, (lon, lat))


def _gcj_to_bd(lon: float, lat: float) -> tuple[float, float]:
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _BD_K)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_K)
    return z * math.cos(theta) + _BD_DLON, z * math.sin(theta) + _BD_DLAT


def _bd_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    # The usual closed-form inverse is only good to about 1e-6°; use it as the first guess.
    x, y = lon - _BD_DLON, lat - _BD_DLAT
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _BD_K)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_K)
    return _invert(_gcj_to_bd, lon, lat, (z * math.cos(theta), z * math.sin(theta)))


def _refuse(crs: CoordinateSystem) -> DomainValueError:
    return DomainValueError(
        "CRS_NOT_CONVERTIBLE",
        f"{crs.value} ({crs.label_zh}) points cannot be converted: the transformation "
        "parameters are specific to each survey area; convert them in GIS software first",
        field="crs",
    )


def to_wgs84(lon: float, lat: float, crs: CoordinateSystem | str) -> tuple[float, float]:
    """Convert a point from ``crs`` to WGS-84 ``(lon, lat)`` in degrees.

    Raises:
        DomainValueError: ``COORDINATE_OUT_OF_RANGE`` for non-finite or out-of-range input,
            ``CRS_UNKNOWN`` for an unknown system code, ``CRS_NOT_CONVERTIBLE`` for 1980西安,
            1954北京 and local systems.
    """
    system = _system(crs)
    _check_range(lon, lat)
    if system in (CoordinateSystem.WGS84, CoordinateSystem.CGCS2000):
        return lon, lat
    if system is CoordinateSystem.GCJ02:
        return _gcj_to_wgs(lon, lat)
    if system is CoordinateSystem.BD09:
        return _gcj_to_wgs(*_bd_to_gcj(lon, lat))
    raise _refuse(system)


def from_wgs84(lon: float, lat: float, crs: CoordinateSystem | str) -> tuple[float, float]:
    """Convert a WGS-84 point to ``crs`` (e.g. GCJ-02 for display on Amap tiles).

    Raises:
        DomainValueError: the same codes as :func:`to_wgs84`.
    """
    system = _system(crs)
    _check_range(lon, lat)
    if system in (CoordinateSystem.WGS84, CoordinateSystem.CGCS2000):
        return lon, lat
    if system is CoordinateSystem.GCJ02:
        return _wgs_to_gcj(lon, lat)
    if system is CoordinateSystem.BD09:
        return _gcj_to_bd(*_wgs_to_gcj(lon, lat))
    raise _refuse(system)


def convert(
    lon: float, lat: float, src: CoordinateSystem | str, dst: CoordinateSystem | str
) -> tuple[float, float]:
    """Convert a point between two systems, through WGS-84.

    Raises:
        DomainValueError: the same codes as :func:`to_wgs84`.
    """
    source, target = _system(src), _system(dst)
    if source is target:
        _check_range(lon, lat)
        return lon, lat
    return from_wgs84(*to_wgs84(lon, lat, source), target)


def _system(crs: CoordinateSystem | str) -> CoordinateSystem:
    try:
        return CoordinateSystem(crs)
    except ValueError:
        raise DomainValueError(
            "CRS_UNKNOWN", f"unknown coordinate system {crs!r}", field="crs"
        ) from None


def validate_point(lon: float, lat: float) -> None:
    """Check that a point is a valid coordinate inside :data:`CHINA_BBOX`.

    Raises:
        DomainValueError: ``COORDINATE_OUT_OF_RANGE`` for non-finite values or values outside
            ±180/±90; ``COORDINATE_OUTSIDE_CHINA`` outside the China rectangle (the message
            says when swapping longitude and latitude would put the point inside).
    """
    _check_range(lon, lat)
    if not CHINA_BBOX.contains(lon, lat):
        raise DomainValueError(
            "COORDINATE_OUTSIDE_CHINA",
            f"point ({lon}, {lat}) is outside China (lon 73.5–135.1, lat 3.8–53.6)"
            f"{_swap_hint(lon, lat)}",
            field="lon",
        )


_EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres on the mean Earth sphere (good to ~0.5 %)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))
