"""EXIF metadata: orientation-aware size, capture time, camera and GPS, robust to junk."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from heritage.media import testing as samples
from heritage.media.metadata import ImageMetadata, metadata_from_exif, read_metadata


def test_reads_camera_metadata_from_a_phone_jpeg() -> None:
    data = samples.jpeg((640, 480), exif=samples.camera_exif(orientation=1))

    meta = read_metadata(data)

    assert meta.width == 640
    assert meta.height == 480
    assert meta.orientation == 1
    assert meta.taken_at == datetime(2023, 5, 1, 10, 20, 30)
    assert meta.taken_at.tzinfo is None
    assert meta.camera_make == "Canon"
    assert meta.camera_model == "EOS R6"
    assert meta.gps is not None
    assert meta.gps.latitude == pytest.approx(samples.LATITUDE, abs=1e-6)
    assert meta.gps.longitude == pytest.approx(samples.LONGITUDE, abs=1e-6)
    assert meta.gps.altitude == pytest.approx(44.5)


@pytest.mark.parametrize(
    ("orientation", "size"), [(6, (480, 640)), (8, (480, 640)), (3, (640, 480))]
)
def test_dimensions_follow_exif_orientation(orientation: int, size: tuple[int, int]) -> None:
    meta = read_metadata(
        samples.jpeg((640, 480), exif=samples.camera_exif(orientation=orientation))
    )
    assert meta.orientation == orientation
    assert (meta.width, meta.height) == size


def test_utc_offset_makes_capture_time_aware() -> None:
    exif = samples.camera_exif(taken="2024:10:01 08:00:00", offset="+08:00")
    meta = read_metadata(samples.jpeg((64, 64), exif=exif))
    assert meta.taken_at == datetime(2024, 10, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))


def test_southern_and_western_hemispheres_are_negative() -> None:
    exif = samples.camera_exif(latitude_ref="S", longitude_ref="W")
    meta = read_metadata(samples.jpeg((64, 64), exif=exif))
    assert meta.gps is not None
    assert meta.gps.latitude == pytest.approx(-samples.LATITUDE, abs=1e-6)
    assert meta.gps.longitude == pytest.approx(-samples.LONGITUDE, abs=1e-6)


def test_image_without_exif_has_only_dimensions() -> None:
    meta = read_metadata(samples.transparent_png())
    assert meta == ImageMetadata(width=300, height=200)


def test_metadata_from_webp_and_png_exif() -> None:
    exif = samples.camera_exif(orientation=6)
    for data in (
        samples.encode(samples.photo((200, 100)), "WEBP", exif=exif),
        samples.encode(samples.photo((200, 100)), "PNG", exif=exif),
    ):
        meta = read_metadata(data)
        assert (meta.width, meta.height, meta.orientation) == (100, 200, 6)
        assert meta.camera_make == "Canon"


def exif_with_gps(**tags: object) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    for name, value in tags.items():
        gps[ExifTags.GPS[name]] = value
    return exif


@pytest.mark.parametrize(
    "tags",
    [
        {},  # no GPS at all
        {"GPSLatitude": (39.0, 54.0, 27.0), "GPSLongitude": (116.0, 23.0, 29.0)},  # no refs
        {
            "GPSLatitudeRef": "X",
            "GPSLatitude": (39.0, 54.0, 27.0),
            "GPSLongitudeRef": "E",
            "GPSLongitude": (116.0, 23.0, 29.0),
        },
        {
            "GPSLatitudeRef": "N",
            "GPSLatitude": (IFDRational(39, 0), 0.0, 0.0),  # zero denominator
            "GPSLongitudeRef": "E",
            "GPSLongitude": (116.0, 23.0, 29.0),
        },
        {
            "GPSLatitudeRef": "N",
            "GPSLatitude": (39.0, 75.0, 0.0),  # 75 minutes
            "GPSLongitudeRef": "E",
            "GPSLongitude": (116.0, 23.0, 29.0),
        },
        {
            "GPSLatitudeRef": "N",
            "GPSLatitude": (95.0, 0.0, 0.0),  # beyond the pole
            "GPSLongitudeRef": "E",
            "GPSLongitude": (116.0, 23.0, 29.0),
        },
        {
            "GPSLatitudeRef": "N",
            "GPSLatitude": "39 deg 54'",  # a string instead of rationals
            "GPSLongitudeRef": "E",
            "GPSLongitude": (116.0, 23.0, 29.0),
        },
        {
            "GPSLatitudeRef": "N",
            "GPSLatitude": (-39.0, 0.0, 0.0),  # negative with a hemisphere letter
            "GPSLongitudeRef": "E",
            "GPSLongitude": (116.0, 23.0, 29.0),
        },
    ],
)
def test_malformed_gps_is_ignored(tags: dict[str, object]) -> None:
    meta = metadata_from_exif(exif_with_gps(**tags), (100, 50))
    assert meta.gps is None
    assert (meta.width, meta.height) == (100, 50)


def test_gps_survives_an_encode_round_trip_with_missing_seconds() -> None:
    exif = exif_with_gps(
        GPSLatitudeRef="N",
        GPSLatitude=(IFDRational(3990, 100), IFDRational(0, 1)),
        GPSLongitudeRef="E",
        GPSLongitude=(IFDRational(11640, 100),),
    )
    meta = read_metadata(samples.jpeg((64, 64), exif=exif))
    assert meta.gps is not None
    assert (meta.gps.latitude, meta.gps.longitude) == pytest.approx((39.9, 116.4))
    assert meta.gps.altitude is None


@pytest.mark.parametrize(
    "taken",
    ["0000:00:00 00:00:00", "    :  :     :  :  ", "2023-05-01T10:20:30", "yesterday", ""],
)
def test_malformed_dates_are_ignored(taken: str) -> None:
    exif = samples.camera_exif(taken=taken, gps=False)
    assert metadata_from_exif(exif, (10, 10)).taken_at is None


def test_odd_values_do_not_crash() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 42  # out of range
    exif[ExifTags.Base.Make] = b"NIKON CORPORATION\x00\x00"
    exif[ExifTags.Base.Model] = "   "
    meta = metadata_from_exif(exif, (30, 20))
    assert meta.orientation == 1
    assert meta.camera_make == "NIKON CORPORATION"
    assert meta.camera_model is None


def test_digitized_time_is_the_fallback() -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeDigitized] = "2001:02:03 04:05:06"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.SubsecTimeDigitized] = "25"
    assert metadata_from_exif(exif, (10, 10)).taken_at == datetime(2001, 2, 3, 4, 5, 6, 250000)
