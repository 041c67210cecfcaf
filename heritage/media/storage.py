"""Content-addressed storage for originals and their renditions.

Originals are kept forever under ``originals/ab/cd/<sha256>``: the key is the
SHA-256 of the bytes, so identical uploads share one file and an original can
never be overwritten by different content.  Renditions are derived data under
``renditions/…`` and may be rewritten at will.

Uploads happen in two steps so that nothing unchecked ever becomes visible:
:meth:`MediaStorage.stage` streams the body into a temporary file (hashing it
and enforcing the size limit as the bytes arrive), the caller validates the
staged file, then either :meth:`MediaStorage.commit` moves it into place or
:meth:`MediaStorage.discard` deletes it.  A refused or interrupted upload
leaves no file behind, not even the temporary one.

The port is async because the web application is async; the local
implementation does its blocking file work in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, Self

from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.sources import ChunkSource, ChunkStream

ORIGINALS_PREFIX = "originals"
RENDITIONS_PREFIX = "renditions"
TEMPORARY_DIR = "tmp"

#: Buffered bytes handed to the writer thread at once; bigger means fewer thread
#: hops per upload, smaller means less memory held per upload.
DEFAULT_FLUSH_SIZE = 1024 * 1024
DEFAULT_READ_CHUNK = 256 * 1024

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# Keys are relative POSIX paths made of plain segments: no "..", no empty or
# hidden segments, so a key can never escape the storage root.
_KEY_RE = re.compile(
    rf"^(?:{ORIGINALS_PREFIX}|{RENDITIONS_PREFIX})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)+$"
)


def original_key(sha256: str) -> str:
    """Return the storage key of the original whose content hash is ``sha256``."""
    if not _SHA256_RE.fullmatch(sha256):
        raise MediaError(
            MediaErrorCode.INVALID_KEY, f"not a lowercase SHA-256 hex digest: {sha256!r}"
        )
    return f"{ORIGINALS_PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def check_key(key: str) -> str:
    """Return ``key`` if it is a well-formed storage key, else raise ``INVALID_KEY``."""
    if not _KEY_RE.fullmatch(key) or any(part in {".", ".."} for part in key.split("/")):
        raise MediaError(MediaErrorCode.INVALID_KEY, f"not a valid storage key: {key!r}")
    return key


@dataclass(frozen=True)
class StagedFile:
    """An upload written to a temporary file and hashed, not yet visible.

    ``path`` is a local file the caller may read (in a thread) to validate the
    content before committing or discarding it.
    """

    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class StoredObject:
    """An original in storage.

    ``existed`` is true when identical bytes were already stored, in which
    case no second copy was written.
    """

    key: str
    sha256: str
    size: int
    existed: bool


class MediaStorage(Protocol):
    """Where originals and renditions live (local disk now, object storage later)."""

    async def stage(self, source: ChunkSource, *, max_bytes: int) -> StagedFile:
        """Stream ``source`` into a temporary file while hashing it.

        Raises ``FILE_TOO_LARGE`` as soon as more than ``max_bytes`` arrived
        (without reading further), ``EMPTY_FILE`` for no bytes and
        ``UPLOAD_INTERRUPTED`` if the source fails; in every failure case the
        temporary file is already gone.
        """
        ...

    async def commit(self, staged: StagedFile) -> StoredObject:
        """Move a staged file to its content-addressed key (or drop it if already stored)."""
        ...

    async def discard(self, staged: StagedFile) -> None:
        """Delete a staged temporary file; a no-op if it is already gone."""
        ...

    async def put(self, source: ChunkSource, *, max_bytes: int) -> StoredObject:
        """Stage and commit in one step, for content that needs no validation."""
        ...

    async def put_bytes(self, key: str, data: bytes) -> None:
        """Atomically write derived data (renditions) under ``key``."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...

    async def size(self, key: str) -> int:
        """The size in bytes of the object under ``key`` (``NOT_FOUND`` if absent)."""
        ...

    async def read(self, key: str) -> bytes:
        """The whole object under ``key`` (``NOT_FOUND`` if absent)."""
        ...

    def iter_chunks(
        self, key: str, *, chunk_size: int = DEFAULT_READ_CHUNK
    ) -> AsyncIterator[bytes]:
        """Stream the object under ``key``, e.g. into an HTTP response."""
        ...


class _TempWriter:
    """A temporary file being filled by one upload.

    Writes run in worker threads; :meth:`abort` may run on the event loop
    while a write is still in flight (cancellation), which is safe because a
    buffered file serialises ``write`` and ``close`` on its internal lock, and
    a write after close fails instead of touching another file.
    """

    def __init__(self, path: Path, file: IO[bytes], *, fsync: bool) -> None:
        self.path = path
        self._file = file
        self._fsync = fsync
        self._hash = hashlib.sha256()

    @classmethod
    def create(cls, directory: Path, *, fsync: bool) -> Self:
        fd, name = tempfile.mkstemp(dir=directory, prefix="upload-", suffix=".part")
        return cls(Path(name), os.fdopen(fd, "wb"), fsync=fsync)

    def write_all(self, chunks: Sequence[bytes]) -> None:
        for chunk in chunks:
            self._hash.update(chunk)
            self._file.write(chunk)

    def finish(self) -> str:
        self._file.flush()
        if self._fsync:
            os.fsync(self._file.fileno())
        self._file.close()
        return self._hash.hexdigest()

    def abort(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    # A rename or link is only durable once the directory entry is on disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalMediaStorage:
    """:class:`MediaStorage` on a local directory.

    Layout under ``root``::

        originals/ab/cd/<sha256>      read-only, kept forever
        renditions/…                  derived, rewritable
        tmp/upload-*.part             uploads in flight (same filesystem,
                                      so moving into place is atomic)

    ``fsync=False`` skips the flushes to disk; only for throwaway stores.
    """

    def __init__(
        self, root: Path, *, fsync: bool = True, flush_size: int = DEFAULT_FLUSH_SIZE
    ) -> None:
        self.root = Path(root)
        self._tmp_dir = self.root / TEMPORARY_DIR
        self._tmp_dir.mkdir(parents=True, exist_ok=True)
        self._fsync = fsync
        self._flush_size = max(1, flush_size)

    @property
    def temporary_dir(self) -> Path:
        """Where uploads in flight are written."""
        return self._tmp_dir

    def local_path(self, key: str) -> Path:
        """The file backing ``key`` (whether or not it exists), e.g. to serve it directly."""
        return self.root.joinpath(*check_key(key).split("/"))

    async def stage(self, source: ChunkSource, *, max_bytes: int) -> StagedFile:
        if max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        stream = ChunkStream.of(source)
        writer = await asyncio.to_thread(_TempWriter.create, self._tmp_dir, fsync=self._fsync)
        try:
            total = 0
            pending: list[bytes] = []
            pending_size = 0
            while True:
                # Ask for at most one byte past the limit: that is enough to
                # know the upload is too large, and nothing more is read.
                try:
                    chunk = await stream.read(max_bytes + 1 - total)
                except MediaError:
                    raise
                except Exception as exc:
                    raise MediaError(
                        MediaErrorCode.UPLOAD_INTERRUPTED,
                        f"the upload stream failed after {total} bytes: {exc}",
                    ) from exc
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise MediaError(
                        MediaErrorCode.FILE_TOO_LARGE,
                        f"the file is larger than the limit of {max_bytes} bytes",
                    )
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size >= self._flush_size:
                    await asyncio.to_thread(writer.write_all, pending)
                    pending, pending_size = [], 0
            if total == 0:
                raise MediaError(MediaErrorCode.EMPTY_FILE, "the uploaded file is empty")
            if pending:
                await asyncio.to_thread(writer.write_all, pending)
            sha256 = await asyncio.to_thread(writer.finish)
        except MediaError:
            writer.abort()
            # Tell the producer we stopped listening, so it can let go early.
            with contextlib.suppress(Exception):
                await stream.aclose()
            raise
        except OSError as exc:
            writer.abort()
            raise MediaError(
                MediaErrorCode.STORAGE_ERROR, f"could not write the upload to disk: {exc}"
            ) from exc
        except BaseException:
            # Cancellation (client gone, server shutting down): clean up
            # synchronously so it cannot itself be interrupted.
            writer.abort()
            raise
        return StagedFile(path=writer.path, sha256=sha256, size=total)

    def _check_staged(self, staged: StagedFile) -> None:
        # Never let a forged StagedFile make us move or delete an arbitrary file.
        if staged.path.parent != self._tmp_dir or not staged.path.name.startswith("upload-"):
            raise MediaError(
                MediaErrorCode.INVALID_KEY, f"not a staged upload of this store: {staged.path}"
            )

    async def commit(self, staged: StagedFile) -> StoredObject:
        self._check_staged(staged)
        key = original_key(staged.sha256)
        final = self.local_path(key)
        try:
            existed = await asyncio.to_thread(self._move_into_place, staged, final)
        except OSError as exc:
            await self.discard(staged)
            raise MediaError(
                MediaErrorCode.STORAGE_ERROR, f"could not store the original {key}: {exc}"
            ) from exc
        return StoredObject(key=key, sha256=staged.sha256, size=staged.size, existed=existed)

    def _move_into_place(self, staged: StagedFile, final: Path) -> bool:
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(staged.path, 0o444)
            try:
                # link() refuses to overwrite, so of two concurrent uploads of
                # the same bytes exactly one stores them and the other learns
                # they existed.
                os.link(staged.path, final)
            except FileExistsError:
                if final.stat().st_size == staged.size:
                    return True
                # Same hash but another size cannot be a real collision; it is
                # damage, so put the verified bytes back.
                os.replace(staged.path, final)
            except OSError:
                # Filesystems without hard links: fall back to check-then-rename.
                if final.exists():
                    return True
                os.replace(staged.path, final)
            if self._fsync:
                _fsync_directory(final.parent)
            return False
        finally:
            staged.path.unlink(missing_ok=True)

    async def discard(self, staged: StagedFile) -> None:
        self._check_staged(staged)
        await asyncio.to_thread(staged.path.unlink, missing_ok=True)

    async def put(self, source: ChunkSource, *, max_bytes: int) -> StoredObject:
        staged = await self.stage(source, max_bytes=max_bytes)
        return await self.commit(staged)

    async def put_bytes(self, key: str, data: bytes) -> None:
        if not check_key(key).startswith(f"{RENDITIONS_PREFIX}/"):
            raise MediaError(
                MediaErrorCode.INVALID_KEY,
                f"only derived objects may be written by key, not {key!r}",
            )
        final = self.local_path(key)
        try:
            await asyncio.to_thread(self._write_atomically, final, data)
        except OSError as exc:
            raise MediaError(MediaErrorCode.STORAGE_ERROR, f"could not write {key}: {exc}") from exc

    def _write_atomically(self, final: Path, data: bytes) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self._tmp_dir, prefix="write-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                if self._fsync:
                    os.fsync(file.fileno())
            os.chmod(name, 0o644)
            os.replace(name, final)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        # The data was flushed before the rename, so a crash can lose a
        # rendition (it is rendered again) but never leave a torn one.  The
        # directory is therefore not flushed: derived data need not survive.

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.local_path(key).is_file)

    async def size(self, key: str) -> int:
        path = self.local_path(key)
        try:
            return (await asyncio.to_thread(path.stat)).st_size
        except FileNotFoundError:
            raise MediaError(MediaErrorCode.NOT_FOUND, f"no object stored under {key}") from None

    async def read(self, key: str) -> bytes:
        path = self.local_path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise MediaError(MediaErrorCode.NOT_FOUND, f"no object stored under {key}") from None

    async def iter_chunks(
        self, key: str, *, chunk_size: int = DEFAULT_READ_CHUNK
    ) -> AsyncIterator[bytes]:
        path = self.local_path(key)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise MediaError(MediaErrorCode.NOT_FOUND, f"no object stored under {key}") from None
        try:
            while chunk := await asyncio.to_thread(file.read, chunk_size):
                yield chunk
        finally:
            file.close()

    async def delete_stale_temporaries(self, *, older_than_seconds: float = 3600.0) -> int:
        """Remove temporary files left by a crashed process; return how many.

        Only a hard crash (power loss, SIGKILL) can leave them, since every
        handled failure deletes its own temporary file at once.
        """
        return await asyncio.to_thread(self._delete_stale, older_than_seconds)

    def _delete_stale(self, older_than_seconds: float) -> int:
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in self._tmp_dir.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    removed += 1
        return removed
