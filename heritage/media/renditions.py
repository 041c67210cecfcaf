"""Public renditions (thumbnails and previews) of image originals.

Two sizes, each in WebP (for browsers) and JPEG (for everything else):

=========  ==================  ==========================================
name       longest side (px)   use
=========  ==================  ==========================================
thumb      256                 lists, search results, map pop-ups
preview    1280                record pages, lightbox on a laptop screen
=========  ==================  ==========================================

Images are never enlarged.  Renditions are public even when the site is
sensitive, so they carry **no metadata at all** (no EXIF, GPS, XMP, ICC,
comments): colours are converted to sRGB first so dropping the ICC profile
does not shift them.  The same original always gives byte-identical output,
so a rendition's hash is a stable ETag; :data:`PIPELINE_VERSION` is part of
every cache key and must be bumped whenever output bytes would change.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from PIL import Image, ImageCms

from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.metadata import exif_orientation
from heritage.media.storage import MediaStorage, check_key, original_key
from heritage.media.validation import (
    DEFAULT_POLICY,
    DecodedImage,
    MediaInput,
    MediaPolicy,
    decode_input,
    draft_request_for,
    fit_within,
)

#: Bump when a change in this module changes rendition bytes, so caches refill.
PIPELINE_VERSION = 1

_JPEG_OPTIONS: Mapping[str, object] = MappingProxyType(
    {"quality": 85, "optimize": True, "progressive": False, "subsampling": "4:2:0"}
)
_WEBP_OPTIONS: Mapping[str, object] = MappingProxyType(
    {"quality": 80, "method": 4, "lossless": False}
)
# reduce() by an integer factor first, then Lanczos over the last 3×: as good
# as a plain Lanczos resize to the eye, and much faster on big originals.
_REDUCING_GAP = 3.0
_WHITE = (255, 255, 255)

# The EXIF orientation table (same as ImageOps.exif_transpose), applied after
# resizing: rotating a thumbnail is cheaper than rotating the original, and a
# resized copy no longer carries the tag that exif_transpose would read.
_TRANSPOSE_FOR_ORIENTATION: Mapping[int, Image.Transpose] = MappingProxyType(
    {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }
)


class RenditionFormat(StrEnum):
    """Output encodings."""

    WEBP = "webp"
    JPEG = "jpeg"

    @property
    def mime_type(self) -> str:
        """The Content-Type to serve."""
        return f"image/{self.value}"

    @property
    def extension(self) -> str:
        """File name extension used in storage keys."""
        return "jpg" if self is RenditionFormat.JPEG else self.value


@dataclass(frozen=True)
class RenditionSize:
    """A named bounding box: the longest side of the output in pixels."""

    name: str
    longest_side: int


THUMB = RenditionSize("thumb", 256)
PREVIEW = RenditionSize("preview", 1280)
RENDITION_SIZES: Mapping[str, RenditionSize] = MappingProxyType(
    {size.name: size for size in (THUMB, PREVIEW)}
)


@dataclass(frozen=True)
class Rendition:
    """Encoded rendition bytes with what a response needs to serve them."""

    data: bytes
    width: int
    height: int
    mime_type: str
    size_name: str
    format: RenditionFormat

    @property
    def etag(self) -> str:
        """A strong HTTP ETag; stable because output bytes are deterministic."""
        return '"' + hashlib.sha256(self.data).hexdigest()[:32] + '"'


def resolve_size(size: str | RenditionSize) -> RenditionSize:
    """Look up a size by name; ``UNKNOWN_RENDITION`` for anything not configured."""
    if isinstance(size, RenditionSize):
        return size
    try:
        return RENDITION_SIZES[size]
    except KeyError:
        raise MediaError(
            MediaErrorCode.UNKNOWN_RENDITION,
            f"unknown rendition size {size!r}; known: {', '.join(RENDITION_SIZES)}",
        ) from None


def resolve_format(fmt: str | RenditionFormat) -> RenditionFormat:
    """Parse a format name (``webp``, ``jpeg``/``jpg``)."""
    if isinstance(fmt, RenditionFormat):
        return fmt
    name = fmt.lower()
    if name == "jpg":
        name = "jpeg"
    try:
        return RenditionFormat(name)
    except ValueError:
        raise MediaError(
            MediaErrorCode.UNKNOWN_RENDITION,
            f"unknown rendition format {fmt!r}; known: webp, jpeg",
        ) from None


@functools.lru_cache(maxsize=32)
def _to_srgb_transform(
    icc_profile: bytes, in_mode: str, out_mode: str
) -> ImageCms.ImageCmsTransform:
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    # NOCACHE makes a transform safe to share between threads.
    return ImageCms.buildTransform(
        source,
        ImageCms.createProfile("sRGB"),
        in_mode,
        out_mode,
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        flags=ImageCms.Flags.NOCACHE,
    )


def _scale_to_8_bits(image: Image.Image) -> Image.Image:
    """16-bit and integer/float greyscale to 8 bits, scaling instead of clipping."""
    if image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    low, high = image.getextrema()
    if not isinstance(low, int | float) or not isinstance(high, int | float):
        return image.convert("L")
    span = (high - low) or 1
    return image.point(lambda value: (value - low) * 255 / span).convert("L")


def _working_image(image: Image.Image, keep_cmyk: bool) -> Image.Image:
    """A copy of ``image`` in RGB, RGBA (if it has transparency) or CMYK."""
    mode = image.mode
    if mode.startswith("I") or mode == "F":
        return _scale_to_8_bits(image).convert("RGB")
    if mode == "CMYK":
        return image.copy() if keep_cmyk else image.convert("RGB")
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or image.has_transparency_data:
        return image.convert("RGBA")
    return image.convert("RGB")


def _resize(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    if image.size == target:
        return image
    if image.mode == "RGBA":
        # Resample premultiplied, or transparent pixels bleed their (often
        # black) colour into the edges.
        premultiplied = image.convert("RGBa")
        resized = premultiplied.resize(target, Image.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP)
        return resized.convert("RGBA")
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP)


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        try:
            transform = _to_srgb_transform(icc_profile, image.mode, out_mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            transform = None  # an unusable profile: fall back to the numbers as they are
        if transform is not None:
            converted = ImageCms.applyTransform(image, transform)
            if converted is not None:
                return converted
    return image.convert("RGB") if image.mode == "CMYK" else image


def _flatten_on_white(image: Image.Image) -> Image.Image:
    background = Image.new("RGB", image.size, _WHITE)
    background.paste(image, mask=image.getchannel("A"))
    return background


def can_render_from(decoded: DecodedImage, size: RenditionSize) -> bool:
    """Whether ``decoded`` was decoded at the scale ``size`` needs.

    Only then is the output identical to :func:`render` on the original.
    """
    if not decoded.supports_draft:
        return True
    return decoded.draft_request == draft_request_for(decoded.source_size, size.longest_side)


def render_decoded(
    decoded: DecodedImage, size: str | RenditionSize, fmt: str | RenditionFormat
) -> Rendition:
    """Make a rendition from an already decoded (and validated) image."""
    spec, output = resolve_size(size), resolve_format(fmt)
    if not can_render_from(decoded, spec):
        raise ValueError(f"the image was decoded at a scale unsuitable for {spec.name}")
    icc_profile = decoded.image.info.get("icc_profile")
    icc = icc_profile if isinstance(icc_profile, bytes) else None

    image = _working_image(decoded.image, keep_cmyk=icc is not None)
    image = _resize(image, fit_within(decoded.source_size, spec.longest_side))
    image = _to_srgb(image, icc)
    transpose = _TRANSPOSE_FOR_ORIENTATION.get(exif_orientation(decoded.exif))
    if transpose is not None:
        image = image.transpose(transpose)
    if image.mode == "RGBA":
        alpha_low, _ = image.getchannel("A").getextrema()
        if output is RenditionFormat.JPEG:
            image = _flatten_on_white(image)
        elif alpha_low == 255:
            image = image.convert("RGB")  # fully opaque: an alpha plane only costs bytes
    if image is decoded.image:
        image = image.copy()
    # Nothing from the original may reach the output: encoders fall back to
    # info for some fields (the JPEG comment, for one), so empty it.
    image.info = {}

    buffer = io.BytesIO()
    if output is RenditionFormat.JPEG:
        image.save(buffer, "JPEG", **_JPEG_OPTIONS)
    else:
        image.save(buffer, "WEBP", **_WEBP_OPTIONS)
    return Rendition(
        data=buffer.getvalue(),
        width=image.width,
        height=image.height,
        mime_type=output.mime_type,
        size_name=spec.name,
        format=output,
    )


def render(
    original: MediaInput,
    size: str | RenditionSize,
    fmt: str | RenditionFormat,
    *,
    policy: MediaPolicy = DEFAULT_POLICY,
) -> Rendition:
    """Decode ``original`` at the cheapest sufficient scale and make one rendition.

    Blocking and CPU-bound: from async code run it with ``asyncio.to_thread``.
    """
    spec, output = resolve_size(size), resolve_format(fmt)
    decoded = decode_input(original, policy=policy, longest_side=spec.longest_side)
    try:
        return render_decoded(decoded, spec, output)
    finally:
        decoded.image.close()


class Renderer(Protocol):
    """Makes a rendition from original bytes (``render`` is the real one)."""

    def __call__(
        self, original: bytes, size: RenditionSize, fmt: RenditionFormat, /
    ) -> Rendition: ...


@dataclass(frozen=True)
class CachedRendition:
    """A rendition with its storage key, and whether it came from storage."""

    rendition: Rendition
    key: str
    cache_hit: bool


def _read_rendition(data: bytes, size: RenditionSize, fmt: RenditionFormat) -> Rendition:
    with Image.open(io.BytesIO(data)) as image:  # header only: our own output
        width, height = image.size
    return Rendition(
        data=data,
        width=width,
        height=height,
        mime_type=fmt.mime_type,
        size_name=size.name,
        format=fmt,
    )


class RenditionCache:
    """Renditions generated once and kept in storage next to the originals.

    The key is derived from (original SHA-256, size, format, pipeline
    version), so a stored rendition never goes stale: a new pipeline simply
    uses new keys.  Concurrent requests for the same missing rendition in one
    process share a single render.
    """

    def __init__(
        self,
        storage: MediaStorage,
        *,
        policy: MediaPolicy = DEFAULT_POLICY,
        renderer: Renderer | None = None,
        version: int = PIPELINE_VERSION,
    ) -> None:
        self._storage = storage
        self._policy = policy
        self._renderer = renderer or self._render
        self._version = version
        self._inflight: dict[str, asyncio.Future[Rendition]] = {}

    def _render(self, original: bytes, size: RenditionSize, fmt: RenditionFormat) -> Rendition:
        return render(original, size, fmt, policy=self._policy)

    def key_for(self, sha256: str, size: str | RenditionSize, fmt: str | RenditionFormat) -> str:
        """The storage key of a rendition."""
        spec, output = resolve_size(size), resolve_format(fmt)
        base = original_key(sha256).removeprefix("originals/")
        name = f"{spec.name}-{spec.longest_side}-v{self._version}.{output.extension}"
        return check_key(f"renditions/{base}/{name}")

    async def get(
        self, sha256: str, size: str | RenditionSize, fmt: str | RenditionFormat
    ) -> CachedRendition:
        """Return the rendition, rendering and storing it on first use.

        ``NOT_FOUND`` if there is no original with that hash.
        """
        spec, output = resolve_size(size), resolve_format(fmt)
        key = self.key_for(sha256, spec, output)
        try:
            data = await self._storage.read(key)
        except MediaError as exc:
            if exc.code is not MediaErrorCode.NOT_FOUND:
                raise
        else:
            return CachedRendition(_read_rendition(data, spec, output), key, cache_hit=True)

        future = self._inflight.get(key)
        if future is None:
            future = asyncio.ensure_future(self._generate(sha256, spec, output, key))
            self._inflight[key] = future
            future.add_done_callback(lambda _: self._inflight.pop(key, None))
        # One waiter giving up must not cancel the render the others wait for.
        rendition = await asyncio.shield(future)
        return CachedRendition(rendition, key, cache_hit=False)

    async def _generate(
        self, sha256: str, size: RenditionSize, fmt: RenditionFormat, key: str
    ) -> Rendition:
        original = await self._storage.read(original_key(sha256))
        rendition = await asyncio.to_thread(self._renderer, original, size, fmt)
        await self._storage.put_bytes(key, rendition.data)
        return rendition

    async def store(self, sha256: str, rendition: Rendition) -> CachedRendition:
        """Keep a rendition made elsewhere (e.g. during upload) under its key."""
        key = self.key_for(sha256, rendition.size_name, rendition.format)
        await self._storage.put_bytes(key, rendition.data)
        return CachedRendition(rendition, key, cache_hit=False)
