"""The media storage the app's lifespan opens: originals, renditions, and the limits applied."""

from __future__ import annotations

from dataclasses import dataclass

from heritage.media import LocalMediaStorage, MediaPolicy, RenditionCache
from heritage.settings import Settings


@dataclass(frozen=True)
class MediaStore:
    """Storage of originals and derived files, its rendition cache and the upload limits.

    The local store is used as such (not through the storage protocol) where files are served
    from disk or collected as garbage.
    """

    storage: LocalMediaStorage
    renditions: RenditionCache
    policy: MediaPolicy

    @classmethod
    def open(cls, settings: Settings) -> MediaStore:
        """The store under ``settings.media_root`` with the settings' size limits."""
        policy = MediaPolicy(
            max_image_bytes=settings.media_max_image_bytes,
            max_document_bytes=settings.media_max_document_bytes,
        )
        storage = LocalMediaStorage(settings.media_root)
        return cls(
            storage=storage, renditions=RenditionCache(storage, policy=policy), policy=policy
        )
