"""Refusals of the plain HTTP endpoints (media, plaques): a status and ``{code, message}``.

Media refusals use the pipeline's :class:`~heritage.media.MediaErrorCode`; refusals that are not
about the file use the codes the GraphQL endpoint uses for the same thing (``UNAUTHENTICATED``,
``PERMISSION_DENIED``, ``BAD_REQUEST``, ``INTERNAL_ERROR``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from starlette.responses import JSONResponse

from heritage.media import MediaError, MediaErrorCode

C = MediaErrorCode

#: The HTTP status of every media refusal.
MEDIA_STATUS: Mapping[MediaErrorCode, int] = MappingProxyType(
    {
        C.EMPTY_FILE: 422,
        C.FILE_TOO_LARGE: 413,
        C.UPLOAD_INTERRUPTED: 400,
        C.UNSUPPORTED_TYPE: 415,
        C.CORRUPT_IMAGE: 422,
        C.TRUNCATED_IMAGE: 422,
        C.DECOMPRESSION_BOMB: 422,
        C.IMAGE_TOO_SMALL: 422,
        C.NOT_FOUND: 404,
        C.INVALID_KEY: 404,
        C.STORAGE_ERROR: 500,
        C.UNKNOWN_RENDITION: 404,
        C.FONT_NOT_FOUND: 500,
        C.FONT_MISSING_GLYPH: 422,
        C.INVALID_PLAQUE_CONTENT: 422,
    }
)


def problem(
    status: int, code: str, message: str, *, field: str | None = None, request_id: str | None = None
) -> JSONResponse:
    """A refusal: ``{"code": …, "message": …}`` (and the input ``field`` at fault, if any)."""
    body: dict[str, str] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    headers = {"x-request-id": request_id} if request_id else None
    return JSONResponse(body, status_code=status, headers=headers)


def media_problem(error: MediaError, *, request_id: str | None = None) -> JSONResponse:
    """The response for a refusal of the media pipeline."""
    return problem(
        MEDIA_STATUS.get(error.code, 500), error.code.value, error.message, request_id=request_id
    )
