"""Uniform async reading of upload bodies.

Uploads reach the pipeline in several shapes: an async iterator of chunks
(``request.stream()`` in Starlette), an object with an async ``read(size)``
(Starlette's ``UploadFile``), a blocking binary file, a plain iterable of
chunks, or a ``bytes`` value in tests and scripts.  :class:`ChunkStream` turns
all of them into one async reader so storage can enforce limits in one place.

Blocking sources (files, sync iterables) are read in a worker thread so a
slow disk or pipe never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import IO, Protocol, TypeAlias, runtime_checkable

#: Default read size for sources we pull from ourselves (files, readers).
DEFAULT_CHUNK_SIZE = 1024 * 1024

_EOF = object()


@runtime_checkable
class AsyncReadable(Protocol):
    """Anything with ``async read(size)`` such as Starlette's ``UploadFile``."""

    async def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` bytes, ``b""`` at the end."""
        ...


def _as_bytes(chunk: object) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, bytearray | memoryview):
        return bytes(chunk)
    raise TypeError(f"upload chunks must be bytes, got {type(chunk).__name__}")


class ChunkStream:
    """An async reader over any :data:`ChunkSource`.

    ``read(max_size)`` returns the next chunk (at most ``max_size`` bytes when
    the source lets us choose the size, otherwise whatever chunk the producer
    sent) and ``b""`` at the end.  Bytes pushed back with :meth:`unread` are
    returned first, which lets a caller sniff the head of an upload before
    deciding which size limit applies.
    """

    def __init__(self, source: ChunkSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self._chunk_size = chunk_size
        self._pending: list[bytes] = []
        self._async_iter: AsyncIterator[object] | None = None
        self._sync_iter: Iterator[object] | None = None
        self._async_reader: AsyncReadable | None = None
        self._sync_reader: IO[bytes] | None = None
        self._done = False
        if isinstance(source, ChunkStream):
            raise TypeError("wrap the original source, not a ChunkStream")
        if isinstance(source, bytes | bytearray | memoryview):
            data = _as_bytes(source)
            self._pending = [data] if data else []
            self._done = True
        elif hasattr(source, "read"):
            read = source.read
            if inspect.iscoroutinefunction(read):
                self._async_reader = source  # type: ignore[assignment]
            else:
                self._sync_reader = source  # type: ignore[assignment]
        elif isinstance(source, AsyncIterable):
            self._async_iter = aiter(source)
        elif isinstance(source, Iterable) and not isinstance(source, str):
            self._sync_iter = iter(source)
        else:
            raise TypeError(f"cannot read an upload from {type(source).__name__}")

    @classmethod
    def of(cls, source: ChunkSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> ChunkStream:
        """Return ``source`` itself if it already is a stream, else wrap it."""
        if isinstance(source, ChunkStream):
            return source
        return cls(source, chunk_size=chunk_size)

    def unread(self, data: bytes) -> None:
        """Push ``data`` back so the next :meth:`read` returns it first."""
        if data:
            self._pending.insert(0, data)

    async def read(self, max_size: int | None = None) -> bytes:
        """Return the next non-empty chunk, or ``b""`` once the source is exhausted."""
        want = self._chunk_size if max_size is None else max(1, min(max_size, self._chunk_size))
        if self._pending:
            chunk = self._pending.pop(0)
            if len(chunk) > want and max_size is not None:
                self._pending.insert(0, chunk[want:])
                chunk = chunk[:want]
            return chunk
        while not self._done:
            received = await self._next(want)
            if received is None:
                self._done = True
                break
            if received:
                return received
        return b""

    async def read_at_least(self, size: int) -> bytes:
        """Read until ``size`` bytes are gathered or the source ends.

        The bytes are pushed back, so the stream is unchanged for later reads.
        """
        parts: list[bytes] = []
        total = 0
        while total < size:
            chunk = await self.read()
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
        head = b"".join(parts)
        self.unread(head)
        return head

    async def _next(self, want: int) -> bytes | None:
        if self._async_reader is not None:
            data = await self._async_reader.read(want)
            return _as_bytes(data) if data else None
        if self._sync_reader is not None:
            data = await asyncio.to_thread(self._sync_reader.read, want)
            return _as_bytes(data) if data else None
        if self._async_iter is not None:
            try:
                item = await anext(self._async_iter)
            except StopAsyncIteration:
                return None
            return _as_bytes(item)
        if self._sync_iter is not None:
            item = await asyncio.to_thread(next, self._sync_iter, _EOF)
            if item is _EOF:
                return None
            return _as_bytes(item)
        return None

    async def aclose(self) -> None:
        """Stop the producer early (e.g. after a refusal) so it can release resources."""
        self._done = True
        self._pending.clear()
        iterator = self._async_iter
        self._async_iter = None
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
        sync_iter = self._sync_iter
        self._sync_iter = None
        close = getattr(sync_iter, "close", None)
        if close is not None:
            close()


#: Every shape of upload body the pipeline accepts.
ChunkSource: TypeAlias = (
    bytes
    | bytearray
    | memoryview
    | AsyncIterable[bytes]
    | Iterable[bytes]
    | IO[bytes]
    | AsyncReadable
    | ChunkStream
)
