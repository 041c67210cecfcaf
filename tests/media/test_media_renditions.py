"""Renditions: sizes, orientation, colour modes, stripped metadata, determinism, caching."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageOps, ImageStat

from heritage.media import testing as samples
from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.renditions import (
    PIPELINE_VERSION,
    PREVIEW,
    THUMB,
    Rendition,
    RenditionCache,
    RenditionFormat,
    RenditionSize,
    render,
    render_decoded,
)
from heritage.media.storage import LocalMediaStorage
from heritage.media.validation import decode_image

FORMATS = [RenditionFormat.WEBP, RenditionFormat.JPEG]


def opened(rendition: Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    image.load()
    return image


def is_red(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 180 and green < 80 and blue < 80


def red_corner(image: Image.Image) -> str:
    """Which corner holds the red marker of media_samples.photo."""
    rgb = image.convert("RGB")
    w, h = rgb.size
    corners = {
        "top-left": (2, 2),
        "top-right": (w - 3, 2),
        "bottom-left": (2, h - 3),
        "bottom-right": (w - 3, h - 3),
    }
    found = [name for name, xy in corners.items() if is_red(rgb.getpixel(xy))]  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_thumb_and_preview_sizes(fmt: RenditionFormat) -> None:
    original = samples.jpeg((2000, 1500))

    thumb = render(original, "thumb", fmt)
    preview = render(original, "preview", fmt)

    assert (thumb.width, thumb.height) == (256, 192)
    assert (preview.width, preview.height) == (1280, 960)
    assert opened(thumb).size == (256, 192)
    assert opened(preview).size == (1280, 960)
    assert thumb.mime_type == preview.mime_type == f"image/{fmt.value}"
    assert opened(thumb).format == ("WEBP" if fmt is RenditionFormat.WEBP else "JPEG")


def test_small_images_are_not_enlarged() -> None:
    rendition = render(samples.jpeg((200, 150)), PREVIEW, "webp")
    assert (rendition.width, rendition.height) == (200, 150)


def test_orientation_6_landscape_becomes_a_portrait() -> None:
    original = samples.jpeg((640, 480), exif=samples.camera_exif(orientation=6))

    rendition = render(original, THUMB, "jpeg")

    assert (rendition.width, rendition.height) == (192, 256)
    # Orientation 6: the sensor's top-left corner is displayed top-right.
    assert red_corner(opened(rendition)) == "top-right"


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_exif_transpose(orientation: int) -> None:
    original = samples.jpeg((400, 300), exif=samples.camera_exif(orientation=orientation))
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(original)))
    assert expected is not None

    rendition = opened(render(original, THUMB, "webp"))

    assert rendition.size == (256 * expected.width // 400, 256 * expected.height // 400)
    assert red_corner(rendition) == red_corner(expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_renditions_carry_no_metadata(fmt: RenditionFormat) -> None:
    source = samples.photo((800, 600))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = samples.encode(
        source,
        "JPEG",
        exif=samples.camera_exif(orientation=6),
        icc_profile=srgb,
        comment=b"shot at a confidential excavation",
        quality=90,
    )
    assert b"Exif" in original  # the original does carry it all

    for size in (THUMB, PREVIEW):
        rendition = render(original, size, fmt)
        image = opened(rendition)
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
        for marker in (b"Exif", b"GPS", b"Canon", b"EOS R6", b"confidential", b"http://ns.adobe"):
            assert marker not in rendition.data


def test_output_is_deterministic_for_a_stable_etag(tmp_path: Path) -> None:
    original = samples.jpeg((1600, 1200), exif=samples.camera_exif(orientation=8))
    path = tmp_path / "original.jpg"
    path.write_bytes(original)

    for size in (THUMB, PREVIEW):
        for fmt in FORMATS:
            first = render(original, size, fmt)
            second = render(path, size, fmt)
            assert first.data == second.data
            assert first.etag == second.etag
            assert first.etag.startswith('"')


def test_rendering_from_the_validation_decode_gives_the_same_bytes() -> None:
    original = samples.jpeg((1600, 1200), exif=samples.camera_exif(orientation=6))
    decoded = decode_image(io.BytesIO(original), longest_side=THUMB.longest_side)
    try:
        reused = render_decoded(decoded, THUMB, "webp")
        with pytest.raises(ValueError, match="scale"):
            render_decoded(decoded, PREVIEW, "webp")
    finally:
        decoded.image.close()
    assert decoded.image.size == (400, 300)  # DCT-scaled decode at 1/4
    assert reused.data == render(original, THUMB, "webp").data


def test_transparent_png_is_flattened_on_white_for_jpeg_and_kept_for_webp() -> None:
    original = samples.transparent_png((300, 200))

    as_jpeg = opened(render(original, THUMB, "jpeg"))
    as_webp = opened(render(original, THUMB, "webp"))

    assert as_jpeg.mode == "RGB"
    assert as_jpeg.getpixel((2, 2)) == pytest.approx((255, 255, 255), abs=3)
    assert as_webp.mode == "RGBA"
    corner = as_webp.getpixel((2, 2))
    assert isinstance(corner, tuple)
    assert corner[3] == 0
    # Edge pixels keep the disc's red instead of fading towards the black
    # of the transparent background (resampling is premultiplied).
    pixels = [px for px in as_webp.get_flattened_data() if isinstance(px, tuple)]
    edge = [px for px in pixels if 40 < px[3] < 215]
    assert edge
    assert min(px[0] for px in edge) > 140


def test_opaque_alpha_is_dropped_from_webp() -> None:
    original = samples.encode(samples.photo((300, 200)).convert("RGBA"), "PNG")
    assert opened(render(original, THUMB, "webp")).mode == "RGB"


def test_palette_png_with_transparency() -> None:
    image = Image.open(io.BytesIO(samples.transparent_png())).convert("P")
    image.info["transparency"] = 0
    original = samples.encode(image, "PNG", transparency=0)
    assert opened(render(original, THUMB, "webp")).mode == "RGBA"
    assert opened(render(original, THUMB, "jpeg")).mode == "RGB"


def test_sixteen_bit_tiff_is_scaled_not_clipped() -> None:
    rendition = opened(render(samples.tiff_16_bit((300, 200)), THUMB, "jpeg"))
    assert rendition.mode == "RGB"
    mean = ImageStat.Stat(rendition.convert("L")).mean[0]
    assert 100 < mean < 155  # a 0–65535 ramp should average mid-grey


def test_cmyk_tiff_becomes_rgb() -> None:
    rendition = opened(render(samples.tiff_cmyk((400, 300)), THUMB, "webp"))
    assert rendition.mode == "RGB"
    assert red_corner(rendition) == "top-left"


def test_greyscale_and_webp_sources() -> None:
    grey = samples.encode(samples.photo((300, 300)).convert("L"), "PNG")
    assert opened(render(grey, THUMB, "jpeg")).mode == "RGB"
    assert render(samples.webp((640, 480)), THUMB, "jpeg").width == 256


def test_unknown_size_or_format_is_refused() -> None:
    original = samples.jpeg((64, 64))
    for size, fmt in (("huge", "webp"), ("thumb", "gif")):
        with pytest.raises(MediaError) as caught:
            render(original, size, fmt)
        assert caught.value.code is MediaErrorCode.UNKNOWN_RENDITION


@pytest.mark.parametrize("data", [samples.minimal_pdf(), b"\x7fELF\x02\x01\x01\x00"])
def test_only_images_can_be_rendered(data: bytes) -> None:
    with pytest.raises(MediaError) as caught:
        render(data, THUMB, "webp")
    assert caught.value.code is MediaErrorCode.UNSUPPORTED_TYPE


def test_bomb_originals_are_refused_when_rendering() -> None:
    with pytest.raises(MediaError) as caught:
        render(samples.png_claiming(30_000, 30_000), THUMB, "webp")
    assert caught.value.code is MediaErrorCode.DECOMPRESSION_BOMB


class CountingRenderer:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, original: bytes, size: RenditionSize, fmt: RenditionFormat, /) -> Rendition:
        self.calls += 1
        return render(original, size, fmt)


async def test_cache_renders_once_then_serves_from_storage(tmp_path: Path) -> None:
    storage = LocalMediaStorage(tmp_path / "store")
    original = await storage.put(samples.jpeg((1000, 800)), max_bytes=1 << 24)
    renderer = CountingRenderer()
    cache = RenditionCache(storage, renderer=renderer)

    first = await cache.get(original.sha256, "thumb", "webp")
    second = await cache.get(original.sha256, "thumb", "webp")

    assert not first.cache_hit
    assert second.cache_hit
    assert renderer.calls == 1
    assert second.rendition == first.rendition
    assert first.key == (
        f"renditions/{original.sha256[:2]}/{original.sha256[2:4]}/{original.sha256}/"
        f"thumb-256-v{PIPELINE_VERSION}.webp"
    )
    assert await storage.read(first.key) == first.rendition.data
    assert cache.key_for(original.sha256, "thumb", "jpg").endswith(".jpg")


async def test_cache_keys_change_with_the_pipeline_version(tmp_path: Path) -> None:
    storage = LocalMediaStorage(tmp_path / "store")
    sha = "ab" * 32
    assert RenditionCache(storage, version=1).key_for(sha, THUMB, "webp") != RenditionCache(
        storage, version=2
    ).key_for(sha, THUMB, "webp")


async def test_concurrent_requests_share_one_render(tmp_path: Path) -> None:
    storage = LocalMediaStorage(tmp_path / "store")
    original = await storage.put(samples.jpeg((1000, 800)), max_bytes=1 << 24)
    renderer = CountingRenderer()
    cache = RenditionCache(storage, renderer=renderer)

    results = await asyncio.gather(*(cache.get(original.sha256, PREVIEW, "jpeg") for _ in range(5)))

    assert renderer.calls == 1
    assert len({r.rendition.data for r in results}) == 1


async def test_cache_without_original_is_not_found(tmp_path: Path) -> None:
    cache = RenditionCache(LocalMediaStorage(tmp_path / "store"))
    with pytest.raises(MediaError) as caught:
        await cache.get("0" * 64, THUMB, "webp")
    assert caught.value.code is MediaErrorCode.NOT_FOUND
