"""LocalMediaStorage: content addressing, atomic streaming writes, clean refusals."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.storage import LocalMediaStorage, original_key


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        await asyncio.sleep(0)
        yield part


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStorage:
    return LocalMediaStorage(tmp_path / "store")


async def test_put_stores_content_addressed_read_only_original(store: LocalMediaStorage) -> None:
    data = b"surveyor photo bytes" * 1000
    sha = hashlib.sha256(data).hexdigest()

    stored = await store.put(chunks(data[:7], data[7:5000], data[5000:]), max_bytes=1 << 20)

    assert stored.sha256 == sha
    assert stored.key == f"originals/{sha[:2]}/{sha[2:4]}/{sha}" == original_key(sha)
    assert stored.size == len(data)
    assert not stored.existed
    assert await store.read(stored.key) == data
    assert await store.exists(stored.key)
    assert await store.size(stored.key) == len(data)
    mode = store.local_path(stored.key).stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert files_under(store.root) == {stored.key}


async def test_second_upload_of_same_bytes_reports_existing_copy(
    store: LocalMediaStorage,
) -> None:
    data = os.urandom(3000)
    first = await store.put(data, max_bytes=10_000)
    second = await store.put(chunks(data[:100], data[100:]), max_bytes=10_000)

    assert not first.existed
    assert second.existed
    assert second.key == first.key
    assert files_under(store.root) == {first.key}


async def test_concurrent_uploads_of_same_bytes_store_one_copy(store: LocalMediaStorage) -> None:
    data = os.urandom(50_000)
    results = await asyncio.gather(*(store.put(data, max_bytes=100_000) for _ in range(4)))

    assert sorted(r.existed for r in results) == [False, True, True, True]
    assert files_under(store.root) == {results[0].key}


async def test_reads_from_blocking_file_and_async_reader(store: LocalMediaStorage) -> None:
    data = os.urandom(70_000)

    class AsyncUpload:
        """Shaped like Starlette's UploadFile."""

        def __init__(self, payload: bytes) -> None:
            self._buffer = io.BytesIO(payload)

        async def read(self, size: int = -1) -> bytes:
            return self._buffer.read(size)

    from_file = await store.put(io.BytesIO(data), max_bytes=100_000)
    from_reader = await store.put(AsyncUpload(data), max_bytes=100_000)
    from_iterable = await store.put(iter([data[:10], data[10:]]), max_bytes=100_000)

    assert from_file.sha256 == from_reader.sha256 == from_iterable.sha256
    assert await store.read(from_file.key) == data


async def test_over_size_upload_stops_reading_and_leaves_nothing(
    store: LocalMediaStorage,
) -> None:
    before = files_under(store.root)
    pulled = 0
    closed = False

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled, closed
        try:
            while True:
                pulled += 4
                yield b"abcd"
        finally:
            closed = True

    with pytest.raises(MediaError) as caught:
        await store.put(endless(), max_bytes=10)

    assert caught.value.code is MediaErrorCode.FILE_TOO_LARGE
    assert "10 bytes" in caught.value.message
    assert pulled == 12  # the first chunk past the limit, and not one more
    assert closed
    assert files_under(store.root) == before == set()


async def test_over_size_file_reads_exactly_one_byte_past_limit(
    store: LocalMediaStorage,
) -> None:
    body = io.BytesIO(b"x" * 1000)
    with pytest.raises(MediaError) as caught:
        await store.put(body, max_bytes=100)
    assert caught.value.code is MediaErrorCode.FILE_TOO_LARGE
    assert body.tell() == 101
    assert files_under(store.root) == set()


async def test_upload_exactly_at_limit_is_accepted(store: LocalMediaStorage) -> None:
    stored = await store.put(chunks(b"a" * 60, b"b" * 40), max_bytes=100)
    assert stored.size == 100


async def test_exception_mid_stream_leaves_nothing(store: LocalMediaStorage) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"first part of the photo" * 100
        yield b"second part"
        raise ConnectionResetError("client went away")

    with pytest.raises(MediaError) as caught:
        await store.put(broken(), max_bytes=1 << 20)

    assert caught.value.code is MediaErrorCode.UPLOAD_INTERRUPTED
    assert isinstance(caught.value.__cause__, ConnectionResetError)
    assert files_under(store.root) == set()


async def test_exception_after_a_flush_to_disk_leaves_nothing(tmp_path: Path) -> None:
    # A tiny flush size makes the temporary file really hold data when the failure comes.
    store = LocalMediaStorage(tmp_path / "store", flush_size=16)

    def blocking_source() -> Iterator[bytes]:
        yield b"0123456789" * 10
        yield b"more"
        raise OSError("phone lost signal")

    with pytest.raises(MediaError) as caught:
        await store.put(blocking_source(), max_bytes=1 << 20)
    assert caught.value.code is MediaErrorCode.UPLOAD_INTERRUPTED
    assert files_under(store.root) == set()


async def test_cancelled_upload_leaves_nothing(tmp_path: Path) -> None:
    store = LocalMediaStorage(tmp_path / "store", flush_size=8)
    started = asyncio.Event()

    async def stalled() -> AsyncIterator[bytes]:
        yield b"some bytes that were written already"
        started.set()
        await asyncio.Event().wait()  # the client never sends the rest
        yield b"never"

    task = asyncio.create_task(store.put(stalled(), max_bytes=1 << 20))
    await started.wait()
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert files_under(store.root) == set()


async def test_empty_upload_is_refused(store: LocalMediaStorage) -> None:
    with pytest.raises(MediaError) as caught:
        await store.put(chunks(b"", b""), max_bytes=100)
    assert caught.value.code is MediaErrorCode.EMPTY_FILE
    assert files_under(store.root) == set()


async def test_disk_failure_is_reported_and_cleaned_up(
    store: LocalMediaStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heritage.media import storage as storage_module

    def failing_write(self: object, parts: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module._TempWriter, "write_all", failing_write)
    with pytest.raises(MediaError) as caught:
        await store.put(b"data", max_bytes=100)
    assert caught.value.code is MediaErrorCode.STORAGE_ERROR
    assert files_under(store.root) == set()


async def test_staged_file_is_invisible_until_committed(store: LocalMediaStorage) -> None:
    staged = await store.stage(chunks(b"drawing"), max_bytes=100)
    key = original_key(staged.sha256)

    assert staged.path.read_bytes() == b"drawing"
    assert not await store.exists(key)

    await store.discard(staged)
    await store.discard(staged)  # idempotent
    assert files_under(store.root) == set()


async def test_put_bytes_writes_renditions_atomically(store: LocalMediaStorage) -> None:
    key = "renditions/ab/cd/thumb.webp"
    await store.put_bytes(key, b"first")
    await store.put_bytes(key, b"second")
    assert await store.read(key) == b"second"
    assert files_under(store.root) == {key}


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "renditions/../../etc/passwd",
        "renditions//x",
        "renditions/.hidden",
        "/abs/path",
        "other/key",
        "originals/ab/cd/" + "0" * 64,  # originals are written only by commit
    ],
)
async def test_put_bytes_refuses_bad_keys(store: LocalMediaStorage, key: str) -> None:
    with pytest.raises(MediaError) as caught:
        await store.put_bytes(key, b"x")
    assert caught.value.code is MediaErrorCode.INVALID_KEY
    assert files_under(store.root) == set()


async def test_missing_objects_are_not_found(store: LocalMediaStorage) -> None:
    key = original_key("0" * 64)
    assert not await store.exists(key)
    for call in (store.read(key), store.size(key)):
        with pytest.raises(MediaError) as caught:
            await call
        assert caught.value.code is MediaErrorCode.NOT_FOUND
    with pytest.raises(MediaError) as caught:
        async for _ in store.iter_chunks(key):
            pass
    assert caught.value.code is MediaErrorCode.NOT_FOUND


async def test_iter_chunks_streams_an_original(store: LocalMediaStorage) -> None:
    data = os.urandom(10_000)
    stored = await store.put(data, max_bytes=20_000)
    parts = [part async for part in store.iter_chunks(stored.key, chunk_size=4096)]
    assert [len(p) for p in parts] == [4096, 4096, 1808]
    assert b"".join(parts) == data


async def test_stale_temporaries_from_a_crash_are_swept(store: LocalMediaStorage) -> None:
    leftover = store.temporary_dir / "upload-crashed.part"
    leftover.write_bytes(b"half an upload")
    os.utime(leftover, (1, 1))
    fresh = store.temporary_dir / "upload-live.part"
    fresh.write_bytes(b"in flight")

    assert await store.delete_stale_temporaries(older_than_seconds=3600) == 1
    assert files_under(store.root) == {"tmp/upload-live.part"}
