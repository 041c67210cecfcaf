"""Decide what an uploaded file really is, from its bytes alone.

The file name and the client's declared type are never consulted: a phone can
mislabel, and an attacker will.  Images (JPEG, PNG, WebP, TIFF) must be
readable by Pillow all the way to the end of their pixel data; documents are
accepted only if they start with the signature of an allowed format (PDF,
DXF, DWG, LAS/LAZ, E57, PLY).  Everything else is ``UNSUPPORTED_TYPE``.

Decompression bombs (small files that claim enormous pixel counts) are
refused from the header, before any pixel is decoded.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, TypeAlias, cast

from PIL import Image, ImageFile, UnidentifiedImageError

from heritage.media.errors import MediaError, MediaErrorCode

MiB = 1024 * 1024

#: Pillow's own default for ``Image.MAX_IMAGE_PIXELS`` (about 89.5 megapixels,
#: i.e. a 256 MiB RGBA canvas); a 12 MP phone photo is far below it.
DEFAULT_MAX_IMAGE_PIXELS = 89_478_485

#: How many leading bytes are enough to recognise every allowed format.
SNIFF_SIZE = 4096

#: An original to validate: raw bytes, a path, or a seekable binary file.
MediaInput: TypeAlias = bytes | Path | IO[bytes]


class MediaKind(StrEnum):
    """Broad class of an accepted file."""

    IMAGE = "image"
    DOCUMENT = "document"


@dataclass(frozen=True)
class MediaPolicy:
    """Limits applied to uploads.

    Images get a tighter byte limit than documents because they are decoded
    in memory; drawings and point clouds are only stored.  The pixel limit is
    capped by Pillow's global ``Image.MAX_IMAGE_PIXELS`` as well: a deployment
    that must accept bigger scans raises both at start-up.
    """

    max_image_bytes: int = 50 * MiB
    max_document_bytes: int = 500 * MiB
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
    min_image_side: int = 16

    @property
    def max_upload_bytes(self) -> int:
        """The largest upload any kind may be."""
        return max(self.max_image_bytes, self.max_document_bytes)

    def max_bytes_for(self, kind: MediaKind) -> int:
        """The byte limit for files of ``kind``."""
        return self.max_image_bytes if kind is MediaKind.IMAGE else self.max_document_bytes

    def effective_max_pixels(self) -> int:
        """Our limit, never above the point where Pillow itself would object."""
        pillow_limit = Image.MAX_IMAGE_PIXELS
        if pillow_limit is None:
            return self.max_image_pixels
        return min(self.max_image_pixels, int(pillow_limit))


DEFAULT_POLICY = MediaPolicy()


@dataclass(frozen=True)
class FileSignature:
    """What the leading bytes say a file is."""

    kind: MediaKind
    format: str
    mime_type: str


@dataclass(frozen=True)
class ValidatedFile:
    """An accepted file.

    ``width``/``height`` are the stored raster dimensions of an image (before
    any EXIF rotation; see :mod:`heritage.media.metadata` for the displayed
    ones) and ``None`` for documents.
    """

    kind: MediaKind
    format: str
    mime_type: str
    size: int
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, eq=False)
class DecodedImage:
    """A fully decoded image, possibly at a reduced JPEG (DCT) scale.

    ``draft_request`` is the size passed to ``Image.draft`` (``None`` for a
    full-scale decode).  Renditions made from it are byte-identical to
    renditions made from a fresh decode with the same request, which is what
    lets an upload produce its thumbnail from the decode done for validation.
    """

    image: Image.Image
    source_size: tuple[int, int]
    format: str
    draft_request: tuple[int, int] | None
    exif: Image.Exif

    @property
    def supports_draft(self) -> bool:
        """Whether this format can decode at reduced scale (JPEG only)."""
        return self.format == "JPEG"


_IMAGE_SIGNATURES: dict[str, FileSignature] = {
    "JPEG": FileSignature(MediaKind.IMAGE, "JPEG", "image/jpeg"),
    "PNG": FileSignature(MediaKind.IMAGE, "PNG", "image/png"),
    "WEBP": FileSignature(MediaKind.IMAGE, "WEBP", "image/webp"),
    "TIFF": FileSignature(MediaKind.IMAGE, "TIFF", "image/tiff"),
}
# Only these Pillow plugins may parse uploads: fewer parsers, less attack surface.
_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF")
# Pillow names multi-picture JPEGs (common from phones) "MPO"; they are JPEGs.
_PILLOW_FORMAT_ALIASES = {"MPO": "JPEG"}

_PDF = FileSignature(MediaKind.DOCUMENT, "PDF", "application/pdf")
_DXF = FileSignature(MediaKind.DOCUMENT, "DXF", "image/vnd.dxf")
_DWG = FileSignature(MediaKind.DOCUMENT, "DWG", "image/vnd.dwg")
_LAS = FileSignature(MediaKind.DOCUMENT, "LAS", "application/vnd.las")
_LAZ = FileSignature(MediaKind.DOCUMENT, "LAZ", "application/vnd.laszip")
_E57 = FileSignature(MediaKind.DOCUMENT, "E57", "model/e57")
_PLY = FileSignature(MediaKind.DOCUMENT, "PLY", "model/ply")

_PDF_RE = re.compile(rb"%PDF-[12]\.[0-9]")
_DWG_RE = re.compile(rb"AC10[0-9]{2}")
_PLY_RE = re.compile(rb"ply\r?\nformat (?:ascii|binary_little_endian|binary_big_endian) 1\.0\r?\n")
_DXF_BINARY = b"AutoCAD Binary DXF\r\n\x1a\x00"
_DXF_SECTIONS = frozenset(
    {"HEADER", "CLASSES", "TABLES", "BLOCKS", "ENTITIES", "OBJECTS", "THUMBNAILIMAGE"}
)
_LAS_HEADER_SIZE = 227


def _looks_like_ascii_dxf(head: bytes) -> bool:
    """Whether ``head`` opens like an ASCII DXF drawing.

    A DXF is a sequence of (group code, value) line pairs; a drawing starts
    with ``0``/``SECTION`` followed by ``2``/<section name>.  Group codes are
    often right-aligned with spaces (``"  0"``), lines may end in CRLF, a
    UTF-8 BOM may precede, and ``999`` comment pairs may come first.  Requiring
    the section name as well keeps arbitrary text starting with "0" out.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"\x00" in head:
        return False
    lines = head.decode("latin-1").splitlines()
    # The last line of the sniffed head may be cut off mid-way: ignore it.
    if len(lines) > 1 and not head.endswith((b"\n", b"\r")):
        lines = lines[:-1]
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    pairs: list[tuple[str, str]] = []
    while index + 1 < len(lines) and len(pairs) < 2:
        code, value = lines[index].strip(), lines[index + 1].strip()
        index += 2
        if code == "999":
            continue
        pairs.append((code, value))
    return (
        len(pairs) == 2
        and pairs[0] == ("0", "SECTION")
        and pairs[1][0] == "2"
        and pairs[1][1] in _DXF_SECTIONS
    )


def sniff(head: bytes) -> FileSignature | None:
    """Recognise an allowed format from the first :data:`SNIFF_SIZE` bytes.

    Returns ``None`` for anything not on the allow-list.  For images this is
    only a first guess that Pillow must confirm.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return _IMAGE_SIGNATURES["JPEG"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _IMAGE_SIGNATURES["PNG"]
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _IMAGE_SIGNATURES["WEBP"]
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return _IMAGE_SIGNATURES["TIFF"]
    if _PDF_RE.match(head):
        return _PDF
    if _DWG_RE.match(head):
        return _DWG
    if head.startswith(b"LASF") and len(head) >= _LAS_HEADER_SIZE and head[24] == 1:
        # The point data format id (offset 104) has its top bit set in LAZ files.
        return _LAZ if head[104] & 0x80 else _LAS
    if head.startswith(b"ASTM-E57"):
        return _E57
    if _PLY_RE.match(head):
        return _PLY
    if head.startswith(_DXF_BINARY) or _looks_like_ascii_dxf(head):
        return _DXF
    return None


def _unsupported(head: bytes) -> MediaError:
    return MediaError(
        MediaErrorCode.UNSUPPORTED_TYPE,
        "the file is not an allowed type (JPEG, PNG, WebP or TIFF images; PDF, DXF, DWG, "
        f"LAS/LAZ, E57 or PLY documents); it starts with {head[:8]!r}",
    )


def classify_head(head: bytes) -> FileSignature:
    """Like :func:`sniff` but raise ``UNSUPPORTED_TYPE`` (or ``EMPTY_FILE``) instead of ``None``."""
    if not head:
        raise MediaError(MediaErrorCode.EMPTY_FILE, "the file is empty")
    signature = sniff(head)
    if signature is None:
        raise _unsupported(head)
    return signature


# ``warnings.catch_warnings`` swaps process-wide state in Python 3.11; the lock
# keeps our own concurrent uses (uploads handled in worker threads) from
# interleaving and restoring each other's filters wrongly.  It is held only
# around header parsing, which is fast.
_WARNINGS_LOCK = threading.Lock()


@contextlib.contextmanager
def _bomb_warnings_as_errors() -> Iterator[None]:
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _bomb_error(size: tuple[int, int] | None, limit: int, cause: str) -> MediaError:
    claimed = f"{size[0]}×{size[1]} pixels" if size else "too many pixels"
    return MediaError(
        MediaErrorCode.DECOMPRESSION_BOMB,
        f"the image claims {claimed}, more than the limit of {limit} pixels ({cause})",
    )


def _is_truncation(exc: BaseException) -> bool:
    # Pillow signals truncation with plain OSErrors; their wording is the only
    # way to tell them from other corruption.
    return isinstance(exc, EOFError) or "truncat" in str(exc).lower()


def _decode_error(exc: Exception, fmt: str) -> MediaError:
    if _is_truncation(exc):
        return MediaError(
            MediaErrorCode.TRUNCATED_IMAGE,
            f"the {fmt} image ends before all of its pixel data ({exc})",
        )
    return MediaError(MediaErrorCode.CORRUPT_IMAGE, f"the {fmt} image cannot be decoded ({exc})")


def _open_checked(fp: IO[bytes], policy: MediaPolicy, expected: str) -> ImageFile.ImageFile:
    """Parse the image header and refuse bombs before any pixel is decoded."""
    limit = policy.effective_max_pixels()
    fp.seek(0)
    try:
        with _bomb_warnings_as_errors():
            image = Image.open(fp, formats=_PILLOW_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(None, limit, str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise MediaError(
            MediaErrorCode.CORRUPT_IMAGE,
            f"the file starts like a {expected} image but its header cannot be read",
        ) from exc
    except Exception as exc:
        raise _decode_error(exc, expected) from exc
    try:
        width, height = image.size
        if width * height > limit:
            raise _bomb_error(image.size, limit, "refused before decoding")
        # A tile larger than the image is a bomb of its own (Pillow would
        # allocate it while loading), so check those claims too.
        for tile in image.tile:
            if tile.extents is None:
                continue
            x0, y0, x1, y1 = tile.extents
            if (x1 - x0) * (y1 - y0) > limit:
                raise _bomb_error((x1 - x0, y1 - y0), limit, "a single tile")
        if min(width, height) < policy.min_image_side:
            raise MediaError(
                MediaErrorCode.IMAGE_TOO_SMALL,
                f"the image is {width}×{height} pixels; each side must be at least "
                f"{policy.min_image_side} pixels",
            )
    except BaseException:
        image.close()
        raise
    return image


class _KeepOpen:
    """A view of a file whose ``close()`` does nothing.

    Some Pillow plugins close the file at the end of ``verify()`` (PNG does);
    the same file must stay open for the decode that follows.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def close(self) -> None:
        pass


def _format_of(image: Image.Image) -> str:
    fmt = image.format or "unknown"
    return _PILLOW_FORMAT_ALIASES.get(fmt, fmt)


def fit_within(size: tuple[int, int], longest_side: int) -> tuple[int, int]:
    """Scale ``size`` so its longest side is at most ``longest_side`` (never enlarging)."""
    width, height = size
    longest = max(width, height)
    if longest <= longest_side:
        return size
    scale = longest_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def draft_request_for(size: tuple[int, int], longest_side: int) -> tuple[int, int] | None:
    """The ``Image.draft`` request used to decode a JPEG for ``longest_side``.

    ``None`` means a full-scale decode (the image is already small enough).
    """
    target = fit_within(size, longest_side)
    return None if target == size else target


def decode_image(
    fp: IO[bytes],
    *,
    policy: MediaPolicy = DEFAULT_POLICY,
    longest_side: int | None = None,
    expected: str = "JPEG/PNG/WebP/TIFF",
) -> DecodedImage:
    """Check and fully decode the image in ``fp``.

    ``verify()`` runs first (it checks, for instance, every PNG chunk CRC),
    then the image is reopened and ``load()`` decodes all of its data: a file
    that ends early raises ``TRUNCATED_IMAGE`` because Pillow's
    ``LOAD_TRUNCATED_IMAGES`` stays off.

    With ``longest_side``, a JPEG is decoded at the smallest DCT scale (1/2,
    1/4, 1/8) that still covers that size.  Scaled decoding reconstructs fewer
    pixels but still entropy-decodes the whole compressed stream, so it finds
    a truncated or structurally broken file just as a full-scale decode does;
    what it skips is only the full-size inverse DCT and colour conversion,
    which cannot fail on a stream that parsed.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Somebody switched Pillow to silently pad broken files with grey.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    probe = _open_checked(cast(IO[bytes], _KeepOpen(fp)), policy, expected)
    fmt = _format_of(probe)
    try:
        probe.verify()
    except Exception as exc:
        raise _decode_error(exc, fmt) from exc
    finally:
        probe.close()

    image = _open_checked(fp, policy, fmt)
    try:
        source_size = image.size
        request = None
        if longest_side is not None and fmt == "JPEG":
            request = draft_request_for(source_size, longest_side)
            if request is not None:
                image.draft(None, request)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _bomb_error(source_size, policy.effective_max_pixels(), str(exc)) from exc
        except Exception as exc:
            raise _decode_error(exc, fmt) from exc
        exif = image.getexif()
    except BaseException:
        image.close()
        raise
    return DecodedImage(
        image=image, source_size=source_size, format=fmt, draft_request=request, exif=exif
    )


@contextlib.contextmanager
def open_input(source: MediaInput) -> Iterator[IO[bytes]]:
    """Yield a seekable binary file for any :data:`MediaInput`."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, Path):
        with source.open("rb") as file:
            yield file
    else:
        yield source


def _size_of(fp: IO[bytes]) -> int:
    fp.seek(0, io.SEEK_END)
    size = fp.tell()
    fp.seek(0)
    return size


def inspect_media(
    source: MediaInput,
    *,
    policy: MediaPolicy = DEFAULT_POLICY,
    longest_side: int | None = None,
) -> tuple[ValidatedFile, DecodedImage | None]:
    """Validate ``source`` and, for images, return the decoded pixels as well.

    The decoded image (at the scale chosen by ``longest_side``, see
    :func:`decode_image`) is for callers that go on to make renditions; the
    caller must close ``decoded.image``.
    """
    with open_input(source) as fp:
        size = _size_of(fp)
        head = fp.read(SNIFF_SIZE)
        signature = classify_head(head)
        limit = policy.max_bytes_for(signature.kind)
        if size > limit:
            raise MediaError(
                MediaErrorCode.FILE_TOO_LARGE,
                f"the {signature.format} file has {size} bytes, more than the limit of "
                f"{limit} bytes",
            )
        if signature.kind is MediaKind.DOCUMENT:
            validated = ValidatedFile(
                kind=signature.kind,
                format=signature.format,
                mime_type=signature.mime_type,
                size=size,
            )
            return validated, None
        decoded = decode_image(
            fp, policy=policy, longest_side=longest_side, expected=signature.format
        )
        width, height = decoded.source_size
        image_signature = _IMAGE_SIGNATURES.get(decoded.format)
        if image_signature is None:  # pragma: no cover - restricted by _PILLOW_FORMATS
            decoded.image.close()
            raise _unsupported(head)
        validated = ValidatedFile(
            kind=MediaKind.IMAGE,
            format=image_signature.format,
            mime_type=image_signature.mime_type,
            size=size,
            width=width,
            height=height,
        )
        return validated, decoded


def decode_input(
    source: MediaInput, *, policy: MediaPolicy = DEFAULT_POLICY, longest_side: int | None = None
) -> DecodedImage:
    """Decode an image from any :data:`MediaInput`, refusing non-images by their bytes.

    Documents are ``UNSUPPORTED_TYPE`` here: they have no pixels to render.
    """
    with open_input(source) as fp:
        head = fp.read(SNIFF_SIZE)
        signature = classify_head(head)
        if signature.kind is not MediaKind.IMAGE:
            raise MediaError(
                MediaErrorCode.UNSUPPORTED_TYPE,
                f"a {signature.format} document has no pixels; only images can be rendered",
            )
        return decode_image(fp, policy=policy, longest_side=longest_side, expected=signature.format)


def validate(source: MediaInput, *, policy: MediaPolicy = DEFAULT_POLICY) -> ValidatedFile:
    """Accept or refuse ``source``; images are decoded in full to prove they are whole."""
    validated, decoded = inspect_media(source, policy=policy)
    if decoded is not None:
        decoded.image.close()
    return validated
