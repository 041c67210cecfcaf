"""The upload path: stream, validate, read metadata, make thumbnails, commit.

One call turns an upload body into a stored original plus its eager
renditions, or refuses it leaving nothing in storage::

    ingestor = MediaIngestor(LocalMediaStorage(root))
    result = await ingestor.ingest(request.stream())

The head of the body is sniffed first, so an unsupported type is refused
before the rest is read and the size limit of the right kind (image or
document) applies while streaming.  Validation decodes a JPEG only at the
DCT scale the thumbnail needs and the thumbnail is made from that same
decode: one decode per upload, and still byte-identical to what
:class:`~heritage.media.renditions.RenditionCache` would render later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.metadata import ImageMetadata, metadata_from_exif
from heritage.media.renditions import (
    THUMB,
    CachedRendition,
    Rendition,
    RenditionCache,
    RenditionFormat,
    RenditionSize,
    can_render_from,
    render,
    render_decoded,
    resolve_format,
    resolve_size,
)
from heritage.media.sources import ChunkSource, ChunkStream
from heritage.media.storage import MediaStorage, StagedFile, StoredObject
from heritage.media.validation import (
    DEFAULT_POLICY,
    SNIFF_SIZE,
    MediaPolicy,
    ValidatedFile,
    classify_head,
    inspect_media,
)

#: Renditions made during upload; others are rendered on first request.
DEFAULT_EAGER_RENDITIONS: tuple[tuple[RenditionSize, RenditionFormat], ...] = (
    (THUMB, RenditionFormat.WEBP),
)


@dataclass(frozen=True)
class IngestResult:
    """An accepted upload: where it is stored, what it is, what was derived."""

    original: StoredObject
    file: ValidatedFile
    metadata: ImageMetadata | None
    renditions: tuple[CachedRendition, ...]


@dataclass(frozen=True)
class PreparedUpload:
    """What :func:`prepare_upload` found and made from a staged file."""

    file: ValidatedFile
    metadata: ImageMetadata | None
    renditions: tuple[Rendition, ...]


def prepare_upload(
    path: Path,
    *,
    policy: MediaPolicy = DEFAULT_POLICY,
    eager: Sequence[tuple[RenditionSize, RenditionFormat]] = DEFAULT_EAGER_RENDITIONS,
) -> PreparedUpload:
    """Validate a local file, read its metadata and make its eager renditions.

    Blocking and CPU-bound (run it in a worker thread).  The image is decoded
    once, at the DCT scale of the smallest eager rendition; renditions that
    need another scale decode again so their bytes match :func:`render`.
    """
    smallest = min((size.longest_side for size, _ in eager), default=None)
    validated, decoded = inspect_media(path, policy=policy, longest_side=smallest)
    if decoded is None:
        return PreparedUpload(file=validated, metadata=None, renditions=())
    try:
        metadata = metadata_from_exif(decoded.exif, decoded.source_size)
        renditions = []
        for size, fmt in eager:
            if can_render_from(decoded, size):
                renditions.append(render_decoded(decoded, size, fmt))
            else:
                renditions.append(render(path, size, fmt, policy=policy))
    finally:
        decoded.image.close()
    return PreparedUpload(file=validated, metadata=metadata, renditions=tuple(renditions))


class MediaIngestor:
    """Accepts uploads into a :class:`~heritage.media.storage.MediaStorage`."""

    def __init__(
        self,
        storage: MediaStorage,
        *,
        policy: MediaPolicy = DEFAULT_POLICY,
        cache: RenditionCache | None = None,
        eager: Sequence[tuple[str | RenditionSize, str | RenditionFormat]] = (
            DEFAULT_EAGER_RENDITIONS
        ),
    ) -> None:
        self._storage = storage
        self._policy = policy
        self._cache = cache or RenditionCache(storage, policy=policy)
        self._eager = tuple((resolve_size(size), resolve_format(fmt)) for size, fmt in eager)

    async def ingest(self, source: ChunkSource) -> IngestResult:
        """Store ``source`` if it is acceptable, or raise :class:`MediaError`.

        On any refusal or failure (including cancellation) nothing is left in
        storage.
        """
        stream = ChunkStream.of(source)
        try:
            head = await stream.read_at_least(SNIFF_SIZE)
        except Exception as exc:
            raise MediaError(
                MediaErrorCode.UPLOAD_INTERRUPTED, f"the upload stream failed at its start: {exc}"
            ) from exc
        try:
            signature = classify_head(head)
        except MediaError:
            await stream.aclose()
            raise
        staged = await self._storage.stage(
            stream, max_bytes=self._policy.max_bytes_for(signature.kind)
        )
        try:
            processed = await asyncio.to_thread(self._process, staged.path)
            original = await self._storage.commit(staged)
        except BaseException:
            # Shielded so that a second cancellation cannot skip the clean-up.
            await asyncio.shield(self._discard(staged))
            raise
        renditions = []
        for rendition in processed.renditions:
            renditions.append(await self._cache.store(original.sha256, rendition))
        return IngestResult(
            original=original,
            file=processed.file,
            metadata=processed.metadata,
            renditions=tuple(renditions),
        )

    async def _discard(self, staged: StagedFile) -> None:
        await self._storage.discard(staged)

    def _process(self, path: Path) -> PreparedUpload:
        return prepare_upload(path, policy=self._policy, eager=self._eager)
