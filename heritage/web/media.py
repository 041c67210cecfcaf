"""Serving media: originals and renditions, streamed from the store with validators.

``GET /media/{sha256}/original`` sends the file as uploaded (``Content-Disposition:
attachment`` with its file name). Who may download it is decided by
:func:`heritage.services.media.original_is_restricted`: anyone for assets documenting public
places and sites; surveyors and above (bearer token) for assets of sensitive places or sites,
of incidents, or not attached to anything yet, because an original keeps the camera's GPS
position. Originals are sent ``Cache-Control: private, no-cache`` with the content hash as
ETag, so a later restriction is never bypassed by a shared cache and a revalidation is a 304.

``GET /media/{sha256}/{thumb|preview}.{webp|jpg}`` is public: renditions carry no metadata at
all. Each is rendered once, kept in the store, and served with a strong ETag derived from its
cache key (the pipeline's output is deterministic per key) and ``Cache-Control: public,
max-age=31536000, immutable``.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from heritage.media import MediaError, MediaErrorCode, original_key
from heritage.media.renditions import resolve_format, resolve_size
from heritage.models import MediaAsset
from heritage.models.vocab import MediaKind, UserRole
from heritage.services import media
from heritage.web.auth import UnauthenticatedError, caller
from heritage.web.caching import IMMUTABLE, REVALIDATE, etag_matches, not_modified
from heritage.web.plaques import print_plaque, public_object
from heritage.web.problems import media_problem, problem
from heritage.web.state import AppState
from heritage.web.uploads import upload_media

log = logging.getLogger(__name__)

DOWNLOAD_RESTRICTED_ROLE = UserRole.SURVEYOR

_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/tiff": "tif",
    "application/pdf": "pdf",
    "image/vnd.dxf": "dxf",
    "image/vnd.dwg": "dwg",
    "application/vnd.las": "las",
    "application/vnd.laszip": "laz",
    "model/e57": "e57",
    "model/ply": "ply",
}


def media_routes() -> list[BaseRoute]:
    """Upload, originals, renditions, printable plaques and the public address of records."""
    return [
        Route("/media", upload_media, methods=["POST"]),
        Route("/media/{sha256}/original", serve_original, methods=["GET"]),
        Route("/media/{sha256}/{size}.{ext}", serve_rendition, methods=["GET"]),
        Route("/plaques/{plaque_id}/print.png", print_plaque, methods=["GET"]),
        Route("/objects/{public_id}", public_object, methods=["GET"]),
    ]


async def _asset(state: AppState, sha256: str, *, access: bool = False) -> tuple[MediaAsset, bool]:
    """The asset holding these bytes and (if ``access``) whether its original is restricted."""
    original_key(sha256)  # INVALID_KEY for anything but a lowercase hex digest
    async with state.read_sessions() as session:
        asset = await media.asset_by_sha256(session, sha256)
        if asset is None:
            raise MediaError(MediaErrorCode.NOT_FOUND, f"no media asset with SHA-256 {sha256}")
        restricted = access and await media.original_is_restricted(session, asset.id)
    return asset, restricted


async def serve_original(request: Request) -> Response:
    """The original file, for those who may download it."""
    state: AppState = request.state.app_state
    try:
        asset, restricted = await _asset(state, request.path_params["sha256"], access=True)
    except MediaError as exc:
        return media_problem(exc)
    if restricted:
        refusal = await _refuse_download(request, state)
        if refusal is not None:
            return refusal
    etag = f'"{asset.sha256}"'
    if etag_matches(request, etag):
        return not_modified(etag, REVALIDATE)
    path = state.media.storage.local_path(original_key(asset.sha256))
    if not await asyncio.to_thread(path.is_file):
        log.error("media asset %s has no original in the store", asset.sha256)
        return problem(404, MediaErrorCode.NOT_FOUND.value, "the original file is missing")
    return FileResponse(
        path,
        media_type=asset.mime_type,
        filename=download_name(asset),
        headers={
            "etag": etag,
            "cache-control": REVALIDATE,
            "x-content-type-options": "nosniff",
        },
    )


async def _refuse_download(request: Request, state: AppState) -> Response | None:
    try:
        user = await caller(request, state.read_sessions)
    except UnauthenticatedError as exc:
        return problem(401, "UNAUTHENTICATED", str(exc))
    why = (
        "this original is restricted (it documents a sensitive place or site or an incident, "
        "or is not attached yet): it may be downloaded by "
        f"{DOWNLOAD_RESTRICTED_ROLE.value} and above; its renditions are public"
    )
    if user is None:
        return problem(401, "UNAUTHENTICATED", why)
    if not user.role.includes(DOWNLOAD_RESTRICTED_ROLE):
        return problem(403, "PERMISSION_DENIED", why)
    return None


def download_name(asset: MediaAsset) -> str:
    """The name the file was uploaded with, else one made of its hash and type."""
    if asset.original_filename:
        return asset.original_filename
    return f"{asset.sha256[:16]}.{_EXTENSIONS.get(asset.mime_type, 'bin')}"


async def serve_rendition(request: Request) -> Response:
    """A thumbnail or preview, rendered on first request and kept."""
    state: AppState = request.state.app_state
    cache = state.media.renditions
    try:
        size = resolve_size(request.path_params["size"])
        fmt = resolve_format(request.path_params["ext"])
        if request.path_params["ext"] != fmt.extension:  # one address per rendition: .jpg
            raise MediaError(MediaErrorCode.UNKNOWN_RENDITION, "use the .jpg extension")
        asset, _ = await _asset(state, request.path_params["sha256"])
        if asset.media_kind != MediaKind.IMAGE:
            raise MediaError(
                MediaErrorCode.UNKNOWN_RENDITION,
                f"a {asset.mime_type} document has no renditions; download the original",
            )
        key = cache.key_for(asset.sha256, size, fmt)
        etag = f'"{asset.sha256}/{key.rsplit("/", 1)[1]}"'
        if etag_matches(request, etag):
            return not_modified(etag, IMMUTABLE)
        headers = {"etag": etag, "cache-control": IMMUTABLE, "x-content-type-options": "nosniff"}
        path = state.media.storage.local_path(key)
        if await asyncio.to_thread(path.is_file):
            return FileResponse(path, media_type=fmt.mime_type, headers=headers)
        cached = await cache.get(asset.sha256, size, fmt)
    except MediaError as exc:
        return media_problem(exc)
    return Response(cached.rendition.data, media_type=fmt.mime_type, headers=headers)
