"""A streaming reader of ``multipart/form-data`` bodies, one part after the other.

Starlette's ``request.form()`` spools every file part to a temporary file of its own, with no
size limit, before the endpoint sees a byte. Uploads instead read the file part as it arrives
and hand it straight to media staging, which hashes it and stops at the size limit: the body
is read once, held in memory one network chunk at a time, and written to disk once.

The parsing itself is python-multipart's push parser; this module only turns its callbacks
into an async pull interface::

    reader = MultipartReader(request.stream(), boundary)
    while (part := await reader.next_part()) is not None:
        async for chunk in reader.chunks(): ...
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header


class MalformedBodyError(Exception):
    """The body is not well-formed multipart, or it ended before its closing boundary."""


@dataclass
class Part:
    """One part's headers: its form field name and, for a file, the file name sent."""

    name: str
    filename: str | None
    content_type: str | None

    @property
    def is_file(self) -> bool:
        """Browsers mark file inputs with a ``filename`` parameter (possibly empty)."""
        return self.filename is not None


_HEADERS, _DATA, _PART_END, _END = "headers", "data", "part_end", "end"


def boundary_of(content_type: str | None) -> bytes | None:
    """The boundary of a ``multipart/form-data`` content type, or ``None`` for anything else."""
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        return None
    return options.get(b"boundary") or None


class MultipartReader:
    """Pulls parts from a body stream; only the current network chunk is held in memory."""

    def __init__(
        self,
        body: AsyncIterator[bytes],
        boundary: bytes,
        *,
        max_parts: int = 16,
        max_header_bytes: int = 8192,
    ) -> None:
        self._body = body
        self._events: deque[tuple[str, bytes | Part]] = deque()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        self._parts = 0
        self._max_parts = max_parts
        self._in_part = False
        self._finished = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_end": self._on_end,
            },
            max_header_size=max_header_bytes,
        )

    # python-multipart callbacks: each turns into an event for the pull side.
    def _on_part_begin(self) -> None:
        self._parts += 1
        if self._parts > self._max_parts:
            raise MalformedBodyError(f"more than {self._max_parts} parts in one upload")
        self._headers = {}

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        name = self._header_field.decode("latin-1").strip().lower()
        # Kept as latin-1, i.e. the raw bytes: parse_options_header turns them back into bytes.
        self._headers[name] = self._header_value.decode("latin-1").strip()
        self._header_field.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        # The part is made now: one network chunk may hold the headers of several parts.
        self._events.append((_HEADERS, _part_from(self._headers)))

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self._events.append((_DATA, data[start:end]))

    def _on_part_end(self) -> None:
        self._events.append((_PART_END, b""))

    def _on_end(self) -> None:
        self._events.append((_END, b""))

    async def _next_event(self) -> tuple[str, bytes | Part]:
        while not self._events:
            try:
                chunk = await anext(self._body)
            except StopAsyncIteration:
                raise MalformedBodyError(
                    "the body ends before the closing multipart boundary"
                ) from None
            try:
                self._parser.write(chunk)
            except MultipartParseError as exc:
                raise MalformedBodyError(f"the body is not valid multipart: {exc}") from exc
        return self._events.popleft()

    async def next_part(self) -> Part | None:
        """The next part's headers (skipping what is left of the current one), or ``None``."""
        if self._finished:
            return None
        while self._in_part:
            kind, _ = await self._next_event()
            if kind == _PART_END:
                self._in_part = False
        kind, part = await self._next_event()
        if kind == _END:
            self._finished = True
            return None
        if not isinstance(part, Part):  # pragma: no cover - the parser emits headers first
            raise MalformedBodyError("a part without headers")
        self._in_part = True
        return part

    async def chunks(self) -> AsyncIterator[bytes]:
        """The current part's bytes, as they arrive; ends with the part."""
        while self._in_part:
            kind, data = await self._next_event()
            if kind == _PART_END:
                self._in_part = False
            elif isinstance(data, bytes):
                yield data

    async def read_text(self, limit: int) -> str:
        """The current part as UTF-8 text of at most ``limit`` bytes."""
        value = bytearray()
        async for chunk in self.chunks():
            value += chunk
            if len(value) > limit:
                raise MalformedBodyError(f"a form field is longer than {limit} bytes")
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedBodyError("a form field is not UTF-8 text") from exc


def _part_from(headers: dict[str, str]) -> Part:
    disposition, options = parse_options_header(headers.get("content-disposition"))
    if disposition != b"form-data" or b"name" not in options:
        raise MalformedBodyError("each part needs 'Content-Disposition: form-data; name=…'")
    raw_filename = options.get(b"filename")
    # parse_options_header hands back the header's bytes; browsers send names in UTF-8.
    return Part(
        name=options[b"name"].decode("utf-8", "replace"),
        filename=None if raw_filename is None else raw_filename.decode("utf-8", "replace"),
        content_type=headers.get("content-type"),
    )
