"""Tests for coordinate systems and GCJ-02/BD-09 conversion."""

import math

import pytest

from heritage.domain.crs import (
    CHINA_BBOX,
    GCJ_SHIFT_BBOX,
    CoordinateSystem,
    convert,
    from_wgs84,
    haversine_m,
    to_wgs84,
    validate_point,
)
from heritage.domain.errors import DomainValueError
from tests.support.national_sites import national_site_rows

CS = CoordinateSystem

# Reference values of the published algorithm, as quoted by several independent ports.
WGS_IN = (116.404, 39.915)
GCJ_OF_WGS_IN = (116.41024449916938, 39.91640428150164)
BD_OF_GCJ_IN = (116.41036949371029, 39.92133699351021)

SAMPLE_POINTS = [
    (116.397463, 39.909187),  # 天安门
    (121.4737, 31.2304),  # 上海
    (87.6168, 43.8256),  # 乌鲁木齐
    (91.1172, 29.6469),  # 拉萨
    (126.6424, 45.7567),  # 哈尔滨
    (109.5120, 18.2528),  # 三亚
    (112.5492, 37.8570),  # 太原
    (80.0, 32.5),  # 阿里
]


def test_systems_have_epsg_and_labels() -> None:
    assert CS.WGS84.epsg == 4326
    assert CS.CGCS2000.epsg == 4490
    assert CS.XIAN80.epsg == 4610
    assert CS.BEIJING54.epsg == 4214
    assert CS.GCJ02.epsg is None
    assert CS.BD09.epsg is None
    assert all(cs.label_zh for cs in CS)
    assert CS.CGCS2000.label_zh == "2000国家大地坐标系"
    assert [cs for cs in CS if cs.convertible] == [CS.WGS84, CS.CGCS2000, CS.GCJ02, CS.BD09]


def test_gcj02_forward_matches_reference() -> None:
    lon, lat = from_wgs84(*WGS_IN, CS.GCJ02)
    assert lon == pytest.approx(GCJ_OF_WGS_IN[0], abs=1e-12)
    assert lat == pytest.approx(GCJ_OF_WGS_IN[1], abs=1e-12)


def test_bd09_forward_matches_reference() -> None:
    lon, lat = convert(*WGS_IN, CS.GCJ02, CS.BD09)
    assert lon == pytest.approx(BD_OF_GCJ_IN[0], abs=1e-12)
    assert lat == pytest.approx(BD_OF_GCJ_IN[1], abs=1e-12)


@pytest.mark.parametrize("crs", [CS.GCJ02, CS.BD09])
@pytest.mark.parametrize("point", SAMPLE_POINTS)
def test_round_trip_is_below_1e_9_degrees(point: tuple[float, float], crs: CS) -> None:
    # when
    shifted = from_wgs84(*point, crs)
    back = to_wgs84(*shifted, crs)

    # then
    assert shifted != point
    assert abs(back[0] - point[0]) < 1e-9
    assert abs(back[1] - point[1]) < 1e-9


def test_inverse_gcj02_reproduces_the_forward_input() -> None:
    lon, lat = to_wgs84(*GCJ_OF_WGS_IN, CS.GCJ02)
    assert lon == pytest.approx(WGS_IN[0], abs=1e-9)
    assert lat == pytest.approx(WGS_IN[1], abs=1e-9)


def test_cgcs2000_is_treated_as_wgs84() -> None:
    assert to_wgs84(116.4, 39.9, CS.CGCS2000) == (116.4, 39.9)
    assert from_wgs84(116.4, 39.9, "CGCS2000") == (116.4, 39.9)
    assert convert(116.4, 39.9, CS.WGS84, CS.CGCS2000) == (116.4, 39.9)


@pytest.mark.parametrize("point", [(2.35, 48.86), (-74.0, 40.7), (151.2, -33.9), (140.0, 36.0)])
def test_points_outside_china_are_not_shifted_by_gcj02(point: tuple[float, float]) -> None:
    assert from_wgs84(*point, CS.GCJ02) == point
    assert to_wgs84(*point, CS.GCJ02) == point
    assert not GCJ_SHIFT_BBOX.contains(*point)


def test_bd09_still_offsets_outside_china() -> None:
    # the Baidu step is applied everywhere; only the GCJ-02 step stops at the rectangle
    bd = from_wgs84(2.35, 48.86, CS.BD09)
    assert bd != (2.35, 48.86)
    back = to_wgs84(*bd, CS.BD09)
    assert back == pytest.approx((2.35, 48.86), abs=1e-9)


def test_real_gcj02_point_shifts_by_a_few_hundred_metres() -> None:
    # given 天安门 as geocoded on a Chinese web map (GCJ-02) in the national list
    gcj = (116.397463, 39.909187)

    # when
    wgs = to_wgs84(*gcj, CS.GCJ02)

    # then the WGS-84 point is south-west of the map point by roughly 400-700 m
    shift = haversine_m(*gcj, *wgs)
    assert 300 < shift < 800
    assert wgs[0] < gcj[0]
    assert wgs[1] < gcj[1]


def test_all_real_points_convert_and_round_trip() -> None:
    # given
    rows = list(national_site_rows())
    points = [(r["lon_gcj02"], r["lat_gcj02"]) for r in rows if r["lon_gcj02"] is not None]

    # when
    wgs = [to_wgs84(lon, lat, CS.GCJ02) for lon, lat in points]

    # then
    assert len(points) == 4962
    for gcj, w in zip(points, wgs, strict=True):
        validate_point(*w)
        again = from_wgs84(*w, CS.GCJ02)
        assert abs(again[0] - gcj[0]) < 1e-9
        assert abs(again[1] - gcj[1]) < 1e-9
        assert 0 < haversine_m(*gcj, *w) < 1000


@pytest.mark.parametrize("crs", [CS.XIAN80, CS.BEIJING54, CS.LOCAL])
def test_legacy_and_local_systems_are_refused(crs: CS) -> None:
    for func in (to_wgs84, from_wgs84):
        with pytest.raises(DomainValueError) as info:
            func(116.4, 39.9, crs)
        assert info.value.code == "CRS_NOT_CONVERTIBLE"
        assert info.value.field == "crs"


def test_unknown_crs_code() -> None:
    with pytest.raises(DomainValueError) as info:
        to_wgs84(116.4, 39.9, "EPSG:3857")
    assert info.value.code == "CRS_UNKNOWN"


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(181.0, 30.0), (-180.5, 30.0), (100.0, 90.5), (100.0, -91.0), (math.nan, 30.0),
     (100.0, math.inf)],
)  # fmt: skip
def test_out_of_range_coordinates(lon: float, lat: float) -> None:
    for call in (
        lambda: to_wgs84(lon, lat, CS.GCJ02),
        lambda: convert(lon, lat, CS.WGS84, CS.WGS84),
        lambda: validate_point(lon, lat),
    ):
        with pytest.raises(DomainValueError) as info:
            call()
        assert info.value.code == "COORDINATE_OUT_OF_RANGE"


def test_validate_point_inside_and_outside_china() -> None:
    validate_point(116.397, 39.909)
    validate_point(CHINA_BBOX.min_lon, CHINA_BBOX.min_lat)
    with pytest.raises(DomainValueError) as info:
        validate_point(2.35, 48.86)
    assert info.value.code == "COORDINATE_OUTSIDE_CHINA"
    assert "swapped" not in info.value.message


def test_validate_point_hints_at_swapped_axes() -> None:
    # 乌鲁木齐 with swapped axes is a valid coordinate, but not in China
    with pytest.raises(DomainValueError) as info:
        validate_point(43.8256, 87.6168)
    assert info.value.code == "COORDINATE_OUTSIDE_CHINA"
    assert "swapped" in info.value.message
    # 天安门 with swapped axes has an impossible latitude
    with pytest.raises(DomainValueError) as info:
        validate_point(39.909, 116.397)
    assert info.value.code == "COORDINATE_OUT_OF_RANGE"
    assert "swapped" in info.value.message


def test_haversine() -> None:
    assert haversine_m(116.0, 40.0, 116.0, 40.0) == 0.0
    # one degree of latitude is about 111.2 km
    assert haversine_m(116.0, 40.0, 116.0, 41.0) == pytest.approx(111_195, rel=1e-3)
