"""The whole upload path: accepted files are stored with metadata and a thumbnail,
refused ones leave the store exactly as it was."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from heritage.media import testing as samples
from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.ingest import MediaIngestor
from heritage.media.renditions import PREVIEW, THUMB, RenditionCache, RenditionFormat, render
from heritage.media.storage import LocalMediaStorage
from heritage.media.validation import MediaKind, MediaPolicy


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


async def body(data: bytes, chunk: int = 8192) -> AsyncIterator[bytes]:
    for start in range(0, len(data), chunk):
        await asyncio.sleep(0)
        yield data[start : start + chunk]


@pytest.fixture
def storage(tmp_path: Path) -> LocalMediaStorage:
    return LocalMediaStorage(tmp_path / "store")


async def test_photo_upload_stores_original_metadata_and_thumbnail(
    storage: LocalMediaStorage,
) -> None:
    photo = samples.jpeg((1600, 1200), exif=samples.camera_exif(orientation=6))

    result = await MediaIngestor(storage).ingest(body(photo))

    assert result.file.kind is MediaKind.IMAGE
    assert result.file.mime_type == "image/jpeg"
    assert (result.file.width, result.file.height) == (1600, 1200)
    assert result.metadata is not None
    assert (result.metadata.width, result.metadata.height) == (1200, 1600)
    assert result.metadata.gps is not None
    assert result.metadata.gps.latitude == pytest.approx(samples.LATITUDE, abs=1e-6)
    assert not result.original.existed
    assert await storage.read(result.original.key) == photo

    [thumb] = result.renditions
    assert (thumb.rendition.width, thumb.rendition.height) == (192, 256)
    assert thumb.rendition.format is RenditionFormat.WEBP
    assert files_under(storage.root) == {result.original.key, thumb.key}
    # Made from the validation decode, yet identical to a later render.
    assert thumb.rendition.data == render(photo, THUMB, "webp").data
    served = await RenditionCache(storage).get(result.original.sha256, THUMB, "webp")
    assert served.cache_hit
    assert served.rendition.data == thumb.rendition.data
    assert b"GPS" not in thumb.rendition.data


async def test_eager_renditions_at_other_scales_match_the_cache(
    storage: LocalMediaStorage,
) -> None:
    photo = samples.jpeg((2000, 1500))
    ingestor = MediaIngestor(
        storage, eager=[("thumb", "webp"), ("thumb", "jpeg"), ("preview", "webp")]
    )

    result = await ingestor.ingest(photo)

    assert [(r.rendition.size_name, r.rendition.format.value) for r in result.renditions] == [
        ("thumb", "webp"),
        ("thumb", "jpeg"),
        ("preview", "webp"),
    ]
    preview = result.renditions[2].rendition
    assert (preview.width, preview.height) == (1280, 960)
    assert preview.data == render(photo, PREVIEW, "webp").data


async def test_duplicate_upload_reports_the_existing_original(
    storage: LocalMediaStorage,
) -> None:
    photo = samples.jpeg((800, 600))
    ingestor = MediaIngestor(storage)

    first = await ingestor.ingest(body(photo))
    tree = files_under(storage.root)
    second = await ingestor.ingest(io.BytesIO(photo))

    assert not first.original.existed
    assert second.original.existed
    assert second.original.key == first.original.key
    assert files_under(storage.root) == tree


async def test_document_upload_is_stored_without_renditions(
    storage: LocalMediaStorage,
) -> None:
    pdf = samples.minimal_pdf()
    result = await MediaIngestor(storage).ingest(body(pdf, chunk=7))
    assert result.file.kind is MediaKind.DOCUMENT
    assert result.file.format == "PDF"
    assert result.metadata is None
    assert result.renditions == ()
    assert files_under(storage.root) == {result.original.key}


EXECUTABLE = Path("/bin/ls").read_bytes()


def truncated_jpeg() -> bytes:
    data = samples.jpeg((1200, 900))
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (EXECUTABLE, MediaErrorCode.UNSUPPORTED_TYPE),
        (b"<html><body>not a photo</body></html>", MediaErrorCode.UNSUPPORTED_TYPE),
        (truncated_jpeg(), MediaErrorCode.TRUNCATED_IMAGE),
        (samples.png_claiming(30_000, 30_000), MediaErrorCode.DECOMPRESSION_BOMB),
        (samples.png_claiming(10_000, 10_000), MediaErrorCode.DECOMPRESSION_BOMB),
        (samples.encode(samples.photo((10, 10)), "PNG"), MediaErrorCode.IMAGE_TOO_SMALL),
        (b"", MediaErrorCode.EMPTY_FILE),
    ],
    ids=["executable", "html", "truncated", "bomb", "bomb-warning-band", "tiny", "empty"],
)
async def test_refused_uploads_leave_nothing(
    storage: LocalMediaStorage, data: bytes, code: MediaErrorCode
) -> None:
    ingestor = MediaIngestor(storage)
    await ingestor.ingest(samples.jpeg((300, 200)))  # something already stored
    before = files_under(storage.root)

    with pytest.raises(MediaError) as caught:
        await ingestor.ingest(body(data))

    assert caught.value.code is code
    assert files_under(storage.root) == before


async def test_unsupported_type_is_refused_before_reading_the_body(
    storage: LocalMediaStorage,
) -> None:
    pulled = 0
    data = EXECUTABLE

    async def executable() -> AsyncIterator[bytes]:
        nonlocal pulled
        for start in range(0, len(data), 4096):
            pulled += 1
            yield data[start : start + 4096]

    with pytest.raises(MediaError) as caught:
        await MediaIngestor(storage).ingest(executable())
    assert caught.value.code is MediaErrorCode.UNSUPPORTED_TYPE
    assert pulled == 1
    assert files_under(storage.root) == set()


async def test_image_size_limit_applies_while_streaming(storage: LocalMediaStorage) -> None:
    policy = MediaPolicy(max_image_bytes=20_000, max_document_bytes=1_000_000)
    photo = samples.jpeg((1000, 1000))
    assert len(photo) > 20_000

    with pytest.raises(MediaError) as caught:
        await MediaIngestor(storage, policy=policy).ingest(body(photo))
    assert caught.value.code is MediaErrorCode.FILE_TOO_LARGE
    assert files_under(storage.root) == set()

    # A document of the same size is within its own, larger limit.
    pdf = samples.minimal_pdf() + b"%" + b"x" * len(photo) + b"\n"
    result = await MediaIngestor(storage, policy=policy).ingest(body(pdf))
    assert result.file.format == "PDF"


async def test_interrupted_upload_leaves_nothing(storage: LocalMediaStorage) -> None:
    photo = samples.jpeg((1000, 800))

    async def dropped() -> AsyncIterator[bytes]:
        yield photo[:10_000]
        yield photo[10_000:20_000]
        raise ConnectionResetError("network gone")

    with pytest.raises(MediaError) as caught:
        await MediaIngestor(storage).ingest(dropped())
    assert caught.value.code is MediaErrorCode.UPLOAD_INTERRUPTED
    assert files_under(storage.root) == set()


async def test_failure_at_the_first_chunk_is_an_interruption(
    storage: LocalMediaStorage,
) -> None:
    async def dead() -> AsyncIterator[bytes]:
        raise ConnectionResetError("network gone")
        yield b""  # pragma: no cover

    with pytest.raises(MediaError) as caught:
        await MediaIngestor(storage).ingest(dead())
    assert caught.value.code is MediaErrorCode.UPLOAD_INTERRUPTED
    assert files_under(storage.root) == set()


async def test_cancelled_during_processing_leaves_nothing(
    storage: LocalMediaStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = asyncio.Event()
    loop = asyncio.get_running_loop()
    release = asyncio.Event()

    ingestor = MediaIngestor(storage)
    original_process = ingestor._process

    def slow_process(path: Path) -> object:
        loop.call_soon_threadsafe(started.set)
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=5)
        return original_process(path)

    monkeypatch.setattr(ingestor, "_process", slow_process)
    task = asyncio.create_task(ingestor.ingest(samples.jpeg((400, 300))))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()
    await asyncio.sleep(0.05)
    assert files_under(storage.root) == set()


async def test_tiff_and_png_uploads_get_thumbnails(storage: LocalMediaStorage) -> None:
    for data in (samples.tiff_16_bit((600, 400)), samples.transparent_png((600, 400))):
        result = await MediaIngestor(storage).ingest(data)
        [thumb] = result.renditions
        with Image.open(io.BytesIO(thumb.rendition.data)) as image:
            assert image.size == (256, 171)
