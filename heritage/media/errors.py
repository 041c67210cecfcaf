"""Errors raised by the media pipeline.

Every refusal carries a stable machine-readable :class:`MediaErrorCode` so the
HTTP layer can map it to a status and the client can show a translated
message, while ``str(error)`` stays a clear English sentence for logs.
"""

from __future__ import annotations

from enum import StrEnum


class MediaErrorCode(StrEnum):
    """Stable identifiers for every way the media pipeline refuses or fails.

    The string values are part of the public contract (API responses, logs,
    metrics); never rename one, only add new ones.
    """

    EMPTY_FILE = "EMPTY_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    UPLOAD_INTERRUPTED = "UPLOAD_INTERRUPTED"
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    CORRUPT_IMAGE = "CORRUPT_IMAGE"
    TRUNCATED_IMAGE = "TRUNCATED_IMAGE"
    DECOMPRESSION_BOMB = "DECOMPRESSION_BOMB"
    IMAGE_TOO_SMALL = "IMAGE_TOO_SMALL"
    NOT_FOUND = "NOT_FOUND"
    INVALID_KEY = "INVALID_KEY"
    STORAGE_ERROR = "STORAGE_ERROR"
    UNKNOWN_RENDITION = "UNKNOWN_RENDITION"
    FONT_NOT_FOUND = "FONT_NOT_FOUND"
    FONT_MISSING_GLYPH = "FONT_MISSING_GLYPH"
    INVALID_PLAQUE_CONTENT = "INVALID_PLAQUE_CONTENT"


class MediaError(Exception):
    """A refusal or failure of the media pipeline, identified by ``code``."""

    def __init__(self, code: MediaErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def __repr__(self) -> str:
        return f"MediaError({self.code!r}, {self.message!r})"
