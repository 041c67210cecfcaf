"""Media pipeline: safe intake of uploaded files, originals kept forever, fast renditions.

No database and no HTTP here; the API layer wires these pieces together:

* :mod:`heritage.media.storage`: content-addressed storage port and its local implementation;
* :mod:`heritage.media.validation`: what a file really is, decided from its bytes;
* :mod:`heritage.media.metadata`: EXIF capture time, camera and GPS;
* :mod:`heritage.media.renditions`: metadata-free thumbnails and previews, cached;
* :mod:`heritage.media.ingest`: the upload path combining all of the above;
* :mod:`heritage.media.plaque`: printable protection plaques with a QR code.
"""

from heritage.media.errors import MediaError, MediaErrorCode
from heritage.media.ingest import IngestResult, MediaIngestor, PreparedUpload, prepare_upload
from heritage.media.metadata import GeoPoint, ImageMetadata, metadata_from_exif, read_metadata
from heritage.media.plaque import PlaqueContent, PlaqueStyle, RenderedPlaque, render_plaque
from heritage.media.renditions import (
    PIPELINE_VERSION,
    PREVIEW,
    RENDITION_SIZES,
    THUMB,
    CachedRendition,
    Rendition,
    RenditionCache,
    RenditionFormat,
    RenditionSize,
    render,
)
from heritage.media.sources import ChunkSource
from heritage.media.storage import (
    LocalMediaStorage,
    MediaStorage,
    StagedFile,
    StoredObject,
    original_key,
)
from heritage.media.validation import (
    DEFAULT_POLICY,
    MediaKind,
    MediaPolicy,
    ValidatedFile,
    validate,
)

__all__ = [
    "DEFAULT_POLICY",
    "PIPELINE_VERSION",
    "PREVIEW",
    "RENDITION_SIZES",
    "THUMB",
    "CachedRendition",
    "ChunkSource",
    "GeoPoint",
    "ImageMetadata",
    "IngestResult",
    "LocalMediaStorage",
    "MediaError",
    "MediaErrorCode",
    "MediaIngestor",
    "MediaKind",
    "MediaPolicy",
    "MediaStorage",
    "PlaqueContent",
    "PlaqueStyle",
    "PreparedUpload",
    "RenderedPlaque",
    "Rendition",
    "RenditionCache",
    "RenditionFormat",
    "RenditionSize",
    "StagedFile",
    "StoredObject",
    "ValidatedFile",
    "metadata_from_exif",
    "original_key",
    "prepare_upload",
    "read_metadata",
    "render",
    "render_plaque",
    "validate",
]
