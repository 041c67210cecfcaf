"""Content-based classification: what is accepted, and how everything else is refused."""

from __future__ import annotations

import io
import threading
import warnings
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from heritage.media import testing as samples
from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.validation import (
    MediaKind,
    MediaPolicy,
    ValidatedFile,
    classify_head,
    sniff,
    validate,
)


def refused(data: bytes | Path, policy: MediaPolicy | None = None) -> MediaError:
    with pytest.raises(MediaError) as caught:
        validate(data, policy=policy or MediaPolicy())
    return caught.value


@pytest.mark.parametrize(
    ("data", "fmt", "mime", "size"),
    [
        (samples.jpeg((640, 480)), "JPEG", "image/jpeg", (640, 480)),
        (samples.jpeg((320, 200), progressive=True), "JPEG", "image/jpeg", (320, 200)),
        (samples.transparent_png(), "PNG", "image/png", (300, 200)),
        (samples.webp((400, 300)), "WEBP", "image/webp", (400, 300)),
        (samples.webp((64, 48), lossless=True), "WEBP", "image/webp", (64, 48)),
        (samples.tiff_16_bit(), "TIFF", "image/tiff", (300, 200)),
        (samples.tiff_cmyk(), "TIFF", "image/tiff", (300, 200)),
    ],
    ids=["jpeg", "progressive-jpeg", "png-alpha", "webp", "webp-lossless", "tiff16", "tiff-cmyk"],
)
def test_accepts_images(data: bytes, fmt: str, mime: str, size: tuple[int, int]) -> None:
    assert validate(data) == ValidatedFile(
        kind=MediaKind.IMAGE,
        format=fmt,
        mime_type=mime,
        size=len(data),
        width=size[0],
        height=size[1],
    )


def test_accepts_multi_picture_jpeg_from_phones_as_jpeg() -> None:
    buffer = io.BytesIO()
    samples.photo((320, 240)).save(
        buffer, "MPO", save_all=True, append_images=[samples.photo((160, 120))]
    )
    validated = validate(buffer.getvalue())
    assert (validated.format, validated.mime_type) == ("JPEG", "image/jpeg")


@pytest.mark.parametrize(
    ("data", "fmt", "mime"),
    [
        (samples.minimal_pdf(), "PDF", "application/pdf"),
        (samples.dxf(), "DXF", "image/vnd.dxf"),
        (samples.dxf(bom=True, crlf=True), "DXF", "image/vnd.dxf"),
        (samples.dxf(comment=True), "DXF", "image/vnd.dxf"),
        (b"\n" + samples.dxf(), "DXF", "image/vnd.dxf"),
        (b"AutoCAD Binary DXF\r\n\x1a\x00" + b"\x00" * 40, "DXF", "image/vnd.dxf"),
        (samples.dwg(), "DWG", "image/vnd.dwg"),
        (samples.las(), "LAS", "application/vnd.las"),
        (samples.las(compressed=True), "LAZ", "application/vnd.laszip"),
        (samples.e57(), "E57", "model/e57"),
        (samples.ply(), "PLY", "model/ply"),
    ],
    ids=[
        "pdf",
        "dxf",
        "dxf-bom-crlf",
        "dxf-comment",
        "dxf-blank-line",
        "dxf-binary",
        "dwg",
        "las",
        "laz",
        "e57",
        "ply",
    ],
)
def test_accepts_documents_by_signature(data: bytes, fmt: str, mime: str) -> None:
    validated = validate(data)
    assert validated == ValidatedFile(
        kind=MediaKind.DOCUMENT, format=fmt, mime_type=mime, size=len(data)
    )


def test_renamed_executable_is_refused_whatever_its_name(tmp_path: Path) -> None:
    disguised = tmp_path / "photo.jpg"
    disguised.write_bytes(Path("/bin/ls").read_bytes())

    error = refused(disguised)

    assert error.code is MediaErrorCode.UNSUPPORTED_TYPE
    assert "\\x7fELF" in error.message


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", samples.jpeg((64, 64)))
    return buffer.getvalue()


def gif_bytes() -> bytes:
    return samples.encode(samples.photo((64, 64)), "GIF")


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + b"\x00" * 200,  # Windows executable
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        zip_bytes(),
        gif_bytes(),  # a real image, but not on the allow-list
        b"0\nSOMETHING\n2\nHEADER\n",  # DXF-like, wrong section marker
        b"0\nSECTION\n2\nNOT_A_SECTION\n",
        b"garbage before %PDF-1.7\n",  # polyglot-style PDF with leading bytes
        b"ply\nthis is not a header\n",
        b"LASF" + b"\x00" * 20,  # too short to be a LAS header
        b"just some text",
    ],
    ids=[
        "pe",
        "html",
        "svg",
        "zip",
        "gif",
        "dxf-wrong-marker",
        "dxf-bad-section",
        "pdf-leading-junk",
        "ply-bad",
        "las-short",
        "text",
    ],
)
def test_refuses_everything_else(data: bytes) -> None:
    assert refused(data).code is MediaErrorCode.UNSUPPORTED_TYPE


def test_empty_file_is_refused() -> None:
    assert refused(b"").code is MediaErrorCode.EMPTY_FILE
    with pytest.raises(MediaError) as caught:
        classify_head(b"")
    assert caught.value.code is MediaErrorCode.EMPTY_FILE


def test_sniff_returns_none_for_unknown_bytes() -> None:
    assert sniff(b"\x7fELF\x02\x01\x01") is None
    signature = sniff(b"\xff\xd8\xff\xe0")
    assert signature is not None
    assert signature.kind is MediaKind.IMAGE


def test_truncated_jpeg_is_refused() -> None:
    data = samples.jpeg((800, 600))
    error = refused(data[: len(data) // 2])
    assert error.code is MediaErrorCode.TRUNCATED_IMAGE
    assert "JPEG" in error.message


def test_truncated_png_is_refused() -> None:
    data = samples.encode(samples.photo((400, 300)), "PNG")
    assert refused(data[: len(data) // 2]).code is MediaErrorCode.TRUNCATED_IMAGE


def test_jpeg_signature_with_garbage_is_corrupt() -> None:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    data = b"\xff\xd8" + app0 + b"\x13" * 500  # a valid start, then no JPEG marker at all
    assert refused(data).code is MediaErrorCode.CORRUPT_IMAGE


def test_jpeg_whose_header_segment_runs_past_the_end_is_truncated() -> None:
    data = b"\xff\xd8\xff\xe0" + b"\x13" * 500  # APP0 claims 0x1313 bytes
    assert refused(data).code is MediaErrorCode.TRUNCATED_IMAGE


def test_png_with_damaged_chunk_is_corrupt() -> None:
    data = bytearray(samples.encode(samples.photo((100, 100)), "PNG"))
    data[-30] ^= 0xFF  # flips a byte inside the last IDAT: its CRC no longer matches
    assert refused(bytes(data)).code in {
        MediaErrorCode.CORRUPT_IMAGE,
        MediaErrorCode.TRUNCATED_IMAGE,
    }


def test_truncation_is_never_papered_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        validate(samples.jpeg((64, 64)))


def test_bomb_far_over_pillow_limit_is_refused_from_the_header() -> None:
    data = samples.png_claiming(30_000, 30_000)  # 900 MP in a few hundred bytes
    assert len(data) < 1000
    error = refused(data)
    assert error.code is MediaErrorCode.DECOMPRESSION_BOMB


def test_bomb_in_pillows_warning_band_is_refused_too() -> None:
    # 100 MP: above MAX_IMAGE_PIXELS (~89.5 MP) but below twice that, where
    # Pillow on its own only warns and carries on decoding.
    pixels = 10_000 * 10_000
    assert Image.MAX_IMAGE_PIXELS is not None
    assert Image.MAX_IMAGE_PIXELS < pixels < 2 * Image.MAX_IMAGE_PIXELS
    filters_before = list(warnings.filters)

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        error = refused(samples.png_claiming(10_000, 10_000))

    assert error.code is MediaErrorCode.DECOMPRESSION_BOMB
    assert "10000×10000" in error.message or "pixels" in error.message
    assert not [w for w in seen if issubclass(w.category, Image.DecompressionBombWarning)]
    assert warnings.filters == filters_before


def test_own_pixel_limit_applies_below_pillows() -> None:
    policy = MediaPolicy(max_image_pixels=100 * 100)
    error = refused(samples.jpeg((200, 200)), policy)
    assert error.code is MediaErrorCode.DECOMPRESSION_BOMB
    assert "200×200" in error.message


def test_bomb_checks_are_safe_from_many_threads() -> None:
    filters_before = list(warnings.filters)
    max_pixels_before = Image.MAX_IMAGE_PIXELS
    bomb = samples.png_claiming(10_000, 10_000)
    good = samples.jpeg((64, 64))
    codes: list[MediaErrorCode | str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(20):
            for data in (bomb, good):
                try:
                    result: MediaErrorCode | str = validate(data).format
                except MediaError as exc:
                    result = exc.code
                with lock:
                    codes.append(result)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes.count(MediaErrorCode.DECOMPRESSION_BOMB) == 80
    assert codes.count("JPEG") == 80
    assert warnings.filters == filters_before
    assert max_pixels_before == Image.MAX_IMAGE_PIXELS


def test_tiny_image_is_refused() -> None:
    error = refused(samples.encode(samples.photo((8, 40)), "PNG"))
    assert error.code is MediaErrorCode.IMAGE_TOO_SMALL
    assert "8×40" in error.message


def test_byte_limits_depend_on_kind() -> None:
    policy = MediaPolicy(max_image_bytes=1000, max_document_bytes=10_000)
    photo = samples.jpeg((200, 200))
    assert len(photo) > 1000
    assert refused(photo, policy).code is MediaErrorCode.FILE_TOO_LARGE
    pdf = samples.minimal_pdf() + b"%" + b" " * 2000 + b"\n"
    assert validate(pdf, policy=policy).kind is MediaKind.DOCUMENT
    big_pdf = samples.minimal_pdf() + b"%" + b" " * 20_000 + b"\n"
    assert refused(big_pdf, policy).code is MediaErrorCode.FILE_TOO_LARGE


def test_validates_from_an_open_file(tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(samples.webp((100, 80)))
    with path.open("rb") as file:
        assert validate(file).format == "WEBP"
    assert validate(path).format == "WEBP"
