"""Descriptive metadata read from an image's EXIF.

Camera EXIF is untrusted and often malformed (zero denominators, out-of-range
minutes, NUL-padded strings, "0000:00:00" dates); every field is read
independently and a bad value becomes ``None`` rather than an error, because
a photo must never be refused for a broken clock or GPS fix.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PIL import ExifTags, Image

from heritage.media.validation import DEFAULT_POLICY, MediaInput, MediaPolicy, decode_input

_ORIENTATIONS_SWAPPING_AXES = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class GeoPoint:
    """A WGS-84 position as recorded by the camera (decimal degrees, metres)."""

    latitude: float
    longitude: float
    altitude: float | None = None


@dataclass(frozen=True)
class ImageMetadata:
    """What the registry keeps about a photo.

    ``width``/``height`` are as displayed, i.e. after the EXIF orientation is
    applied.  ``taken_at`` is timezone-aware when the camera recorded its UTC
    offset (``OffsetTimeOriginal``) and naive otherwise: a naive value is the
    camera's wall-clock time in an unknown zone, and is deliberately not
    guessed to be China Standard Time.
    """

    width: int
    height: int
    orientation: int = 1
    taken_at: datetime | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    gps: GeoPoint | None = None


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = value.replace("\x00", "").strip()
    return cleaned or None


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]  # IFDRational, int, float
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def exif_orientation(exif: Mapping[int, object]) -> int:
    """The EXIF orientation (1–8), 1 when absent or invalid."""
    value = exif.get(ExifTags.Base.Orientation)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _utc_offset(value: object) -> timezone | None:
    text = _text(value)
    if text is None or len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _datetime(value: object, subsec: object, offset: object) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        taken = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    fraction = _text(subsec)
    if fraction and fraction.isdigit():
        taken = taken.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    zone = _utc_offset(offset)
    return taken.replace(tzinfo=zone) if zone else taken


def _taken_at(exif_ifd: Mapping[int, object]) -> datetime | None:
    # DateTimeOriginal is when the shutter fired; DateTimeDigitized is the
    # same for digital cameras and a fallback for scans.  IFD0's DateTime is
    # the last edit, so it is not used.
    return _datetime(
        exif_ifd.get(ExifTags.Base.DateTimeOriginal),
        exif_ifd.get(ExifTags.Base.SubsecTimeOriginal),
        exif_ifd.get(ExifTags.Base.OffsetTimeOriginal),
    ) or _datetime(
        exif_ifd.get(ExifTags.Base.DateTimeDigitized),
        exif_ifd.get(ExifTags.Base.SubsecTimeDigitized),
        exif_ifd.get(ExifTags.Base.OffsetTimeDigitized),
    )


def _degrees(dms: object, ref: object, positive: str, negative: str, limit: float) -> float | None:
    """Convert EXIF (degrees, minutes, seconds) rationals and a hemisphere letter."""
    hemisphere = _text(ref)
    if hemisphere is None or hemisphere.upper() not in (positive, negative):
        return None
    if isinstance(dms, numbers.Real):
        dms = (dms,)  # a lone value is written (and read back) as a scalar
    if not isinstance(dms, tuple | list) or not 1 <= len(dms) <= 3:
        return None
    parts = [_number(part) for part in dms]
    if any(part is None or part < 0 for part in parts):
        return None
    values = [part for part in parts if part is not None]
    values += [0.0] * (3 - len(values))
    degrees, minutes, seconds = values
    if minutes >= 60 or seconds >= 60:
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    if decimal > limit:
        return None
    return -decimal if hemisphere.upper() == negative else decimal


def _gps(gps_ifd: Mapping[int, object]) -> GeoPoint | None:
    latitude = _degrees(
        gps_ifd.get(ExifTags.GPS.GPSLatitude),
        gps_ifd.get(ExifTags.GPS.GPSLatitudeRef),
        "N",
        "S",
        90.0,
    )
    longitude = _degrees(
        gps_ifd.get(ExifTags.GPS.GPSLongitude),
        gps_ifd.get(ExifTags.GPS.GPSLongitudeRef),
        "E",
        "W",
        180.0,
    )
    if latitude is None or longitude is None:
        return None
    altitude = _number(gps_ifd.get(ExifTags.GPS.GPSAltitude))
    if altitude is not None and gps_ifd.get(ExifTags.GPS.GPSAltitudeRef) in (1, b"\x01"):
        altitude = -altitude  # reference 1 means below sea level
    return GeoPoint(latitude=latitude, longitude=longitude, altitude=altitude)


def _safe_ifd(exif: Image.Exif, ifd: ExifTags.IFD) -> Mapping[int, object]:
    try:
        return exif.get_ifd(ifd)
    except Exception:  # a broken IFD pointer must not lose the other fields
        return {}


def metadata_from_exif(exif: Image.Exif, size: tuple[int, int]) -> ImageMetadata:
    """Build :class:`ImageMetadata` from parsed EXIF and the stored raster ``size``."""
    orientation = exif_orientation(exif)
    width, height = size
    if orientation in _ORIENTATIONS_SWAPPING_AXES:
        width, height = height, width
    return ImageMetadata(
        width=width,
        height=height,
        orientation=orientation,
        taken_at=_taken_at(_safe_ifd(exif, ExifTags.IFD.Exif)),
        camera_make=_text(exif.get(ExifTags.Base.Make)),
        camera_model=_text(exif.get(ExifTags.Base.Model)),
        gps=_gps(_safe_ifd(exif, ExifTags.IFD.GPSInfo)),
    )


def read_metadata(source: MediaInput, *, policy: MediaPolicy = DEFAULT_POLICY) -> ImageMetadata:
    """Validate and read the metadata of the image in ``source``."""
    # A 1-pixel target keeps the decode (needed to reach EXIF stored after
    # the pixels, as PNG may) as cheap as the format allows.
    decoded = decode_input(source, policy=policy, longest_side=1)
    try:
        return metadata_from_exif(decoded.exif, decoded.source_size)
    finally:
        decoded.image.close()
