"""Synthetic sample media for tests and benchmarks, generated on the fly.

Everything is built with Pillow or by hand from bytes, so no binary fixtures
live in the repository and each file is exactly what its builder says,
including deliberately hostile ones (decompression-bomb headers).
"""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime

from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

# A position in central Beijing, recognisable if it ever leaked into an output.
LATITUDE_DMS = (39.0, 54.0, 27.36)
LONGITUDE_DMS = (116.0, 23.0, 29.16)
LATITUDE = 39 + 54 / 60 + 27.36 / 3600
LONGITUDE = 116 + 23 / 60 + 29.16 / 3600


def photo(size: tuple[int, int] = (640, 480), mode: str = "RGB") -> Image.Image:
    """A photo-like picture with a red marker in the top-left corner.

    The marker lets a test tell which way up a rendition came out.
    """
    width, height = size
    base = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.effect_noise(size, 24).convert("L"),
        ),
    )
    draw = ImageDraw.Draw(base)
    draw.ellipse((width // 3, height // 3, width // 2, height // 2), fill=(30, 120, 40))
    draw.rectangle((0, 0, width // 5, height // 5), fill=(255, 0, 0))
    return base.convert(mode) if mode != "RGB" else base


def rational(value: float) -> IFDRational:
    return IFDRational(round(value * 100), 100)


def camera_exif(
    *,
    orientation: int | None = None,
    taken: str | None = "2023:05:01 10:20:30",
    offset: str | None = None,
    make: str | None = "Canon",
    model: str | None = "EOS R6",
    gps: bool = True,
    latitude_ref: str = "N",
    longitude_ref: str = "E",
) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if make is not None:
        exif[ExifTags.Base.Make] = make
    if model is not None:
        exif[ExifTags.Base.Model] = model
    if taken is not None:
        exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
        exif_ifd[ExifTags.Base.DateTimeOriginal] = taken
        if offset is not None:
            exif_ifd[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps:
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = latitude_ref
        gps_ifd[ExifTags.GPS.GPSLatitude] = tuple(rational(v) for v in LATITUDE_DMS)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = longitude_ref
        gps_ifd[ExifTags.GPS.GPSLongitude] = tuple(rational(v) for v in LONGITUDE_DMS)
        gps_ifd[ExifTags.GPS.GPSAltitudeRef] = 0
        gps_ifd[ExifTags.GPS.GPSAltitude] = rational(44.5)
    return exif


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg(
    size: tuple[int, int] = (640, 480),
    *,
    exif: Image.Exif | None = None,
    quality: int = 90,
    **options: object,
) -> bytes:
    if exif is not None:
        options["exif"] = exif
    return encode(photo(size), "JPEG", quality=quality, **options)


def transparent_png(size: tuple[int, int] = (300, 200)) -> bytes:
    """A red disc on a fully transparent, black-valued background."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((50, 25, 250, 175), fill=(200, 0, 0, 255))
    return encode(image, "PNG")


def tiff_16_bit(size: tuple[int, int] = (300, 200)) -> bytes:
    ramp = Image.linear_gradient("L").resize(size).convert("I").point(lambda v: v * 257)
    return encode(ramp.convert("I;16"), "TIFF")


def tiff_cmyk(size: tuple[int, int] = (300, 200)) -> bytes:
    return encode(photo(size, mode="CMYK"), "TIFF", compression="tiff_lzw")


def webp(size: tuple[int, int] = (400, 300), **options: object) -> bytes:
    return encode(photo(size), "WEBP", **options)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims ``width``×``height`` pixels.

    The IDAT holds a few compressed rows only: enough to parse, far too little
    to decode, which a bomb check must never get to try.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * (width + 1) * 2)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def dxf(*, bom: bool = False, crlf: bool = False, comment: bool = False) -> bytes:
    lines = ["  0", "SECTION", "  2", "HEADER", "  9", "$ACADVER", "  1", "AC1015"]
    lines += ["  0", "ENDSEC", "  0", "EOF"]
    if comment:
        lines = ["999", "exported by a survey tool", *lines]
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("ascii")


def las(*, compressed: bool = False) -> bytes:
    header = bytearray(375)
    header[0:4] = b"LASF"
    header[24:26] = bytes([1, 2])  # version 1.2
    header[104] = 3 | (0x80 if compressed else 0)  # point data format 3
    return bytes(header)


def ply() -> bytes:
    return b"ply\nformat binary_little_endian 1.0\nelement vertex 0\nend_header\n"


def e57() -> bytes:
    return b"ASTM-E57" + struct.pack("<II", 1, 0) + b"\x00" * 32


def dwg() -> bytes:
    return b"AC1032" + b"\x00" * 122


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)
