"""``POST /media``: one file per request (multipart field ``file``), with optional ``caption``,
``photographer`` and ``licence`` fields; surveyors and above.

The order of the steps is what keeps the store and the database in agreement:

1. the file part streams into storage *staging* (hashed, size-limited by the kind its first
   bytes reveal; the body is never held in memory as a whole);
2. the staged file is validated, its metadata read and its thumbnail made, in a worker thread;
3. the ``media_asset`` row is inserted and flushed (constraints checked, change record written);
4. only then is the original moved to its content-addressed place in storage;
5. the transaction commits; the thumbnail is stored (derived data, rendered again if lost).

A refusal or failure before step 4 discards the staged file, so it leaves neither a file nor a
row. A failed commit after step 4 leaves an original that no row refers to: harmless (it is
addressed by its content and never served without a row) and removed by ``heritage media gc``,
which also deletes temporary files left by a crashed process. The same bytes uploaded again
give the existing asset (HTTP 200, ``"created": false``) and no second copy.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from heritage.context import Actor, acting_as
from heritage.graphql.ids import global_id
from heritage.media import (
    MediaError,
    MediaErrorCode,
    MediaKind,
    PreparedUpload,
    StagedFile,
    original_key,
    prepare_upload,
)
from heritage.media.sources import ChunkStream
from heritage.media.validation import SNIFF_SIZE, classify_head
from heritage.models import MediaAsset, User, vocab
from heritage.services import media
from heritage.services.errors import ServiceError
from heritage.services.inputs import parse_input
from heritage.services.media_gc import touch
from heritage.web.auth import UnauthenticatedError, caller
from heritage.web.links import original_url, rendition_links
from heritage.web.media_store import MediaStore
from heritage.web.multipart import MalformedBodyError, MultipartReader, boundary_of
from heritage.web.problems import media_problem, problem
from heritage.web.state import AppState

log = logging.getLogger(__name__)

UPLOAD_ROLE = vocab.UserRole.SURVEYOR
FILE_FIELD = "file"
TEXT_FIELDS = frozenset({"caption", "photographer", "licence"})
#: Bytes a text field may have (a caption of 2000 Chinese characters is 6000 bytes).
FIELD_BYTES = 8 * 1024
#: What a body may hold beyond the largest allowed file: part headers and the text fields.
FORM_OVERHEAD_BYTES = 64 * 1024
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class _Form:
    staged: StagedFile
    filename: str | None
    fields: dict[str, str]


async def upload_media(request: Request) -> Response:
    """The endpoint; answers 201 with the new asset, or 200 with the one holding these bytes."""
    state: AppState = request.state.app_state
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    try:
        user = await caller(request, state.read_sessions)
    except UnauthenticatedError as exc:
        return problem(401, "UNAUTHENTICATED", str(exc), request_id=request_id)
    if user is None:
        return problem(
            401,
            "UNAUTHENTICATED",
            "uploads need 'Authorization: Bearer <token>'",
            request_id=request_id,
        )
    if not user.role.includes(UPLOAD_ROLE):
        return problem(
            403,
            "PERMISSION_DENIED",
            f"uploads need the {UPLOAD_ROLE.value} role; the token belongs to a {user.role.value}",
            request_id=request_id,
        )
    try:
        response = await _upload(request, state, user, request_id)
    except MediaError as exc:
        if isinstance(exc.__cause__, MalformedBodyError):
            return problem(400, "BAD_REQUEST", str(exc.__cause__), request_id=request_id)
        return media_problem(exc, request_id=request_id)
    except MalformedBodyError as exc:
        return problem(400, "BAD_REQUEST", str(exc), request_id=request_id)
    except ClientDisconnect:
        return problem(
            400,
            MediaErrorCode.UPLOAD_INTERRUPTED.value,
            "the client went away",
            request_id=request_id,
        )
    except ServiceError as exc:
        first = exc.problems[0]
        return problem(
            400, first.code.value, first.message, field=first.field, request_id=request_id
        )
    except Exception:
        log.exception("upload failed")
        return problem(
            500, "INTERNAL_ERROR", "internal error; it has been logged", request_id=request_id
        )
    response.headers["x-request-id"] = request_id
    return response


async def _upload(request: Request, state: AppState, user: User, request_id: str) -> Response:
    store = state.media
    boundary = boundary_of(request.headers.get("content-type"))
    if boundary is None:
        raise MalformedBodyError("send the file as multipart/form-data in a field named 'file'")
    limit = store.policy.max_document_bytes + FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise MediaError(
            MediaErrorCode.FILE_TOO_LARGE,
            f"the request has {declared} bytes; files may have at most "
            f"{store.policy.max_document_bytes} bytes",
        )
    form = await _receive(MultipartReader(_limited(request.stream(), limit), boundary), store)
    staged = form.staged
    try:
        fields = parse_input(media.MediaFields, dict(form.fields))
        prepared = await asyncio.to_thread(prepare_upload, staged.path, policy=store.policy)
        upload = _uploaded(staged, prepared, form.filename)
        asset, created = await _register(state, store, staged, upload, fields, user, request_id)
    except BaseException:
        # Shielded: a cancelled request (client gone) must still delete its staged file.
        await asyncio.shield(store.storage.discard(staged))
        raise
    if created:
        await _keep_renditions(store, asset.sha256, prepared)
        await state.after_commit()
    return _answer(state, asset, created)


async def _limited(body: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """The body, refused as soon as it grows past ``limit`` bytes."""
    total = 0
    async for chunk in body:
        total += len(chunk)
        if total > limit:
            raise MediaError(
                MediaErrorCode.FILE_TOO_LARGE, f"the request body is larger than {limit} bytes"
            )
        yield chunk


async def _receive(reader: MultipartReader, store: MediaStore) -> _Form:
    """Read the form, staging the file part as it streams; on failure nothing stays staged."""
    staged: StagedFile | None = None
    filename: str | None = None
    fields: dict[str, str] = {}
    try:
        while (part := await reader.next_part()) is not None:
            if part.name == FILE_FIELD and part.is_file:
                if staged is not None:
                    raise MalformedBodyError("send one file per request")
                filename = _clean_filename(part.filename)
                staged = await _stage(reader.chunks(), store)
            elif part.name in TEXT_FIELDS and not part.is_file:
                if part.name in fields:
                    raise MalformedBodyError(f"the field {part.name!r} is given twice")
                fields[part.name] = await reader.read_text(FIELD_BYTES)
            else:
                raise MalformedBodyError(
                    f"unexpected form field {part.name!r}: send the file as 'file', and "
                    "optionally 'caption', 'photographer' and 'licence'"
                )
        if staged is None:
            raise MalformedBodyError("no file: send it in a multipart field named 'file'")
    except BaseException:
        if staged is not None:
            await asyncio.shield(store.storage.discard(staged))
        raise
    return _Form(staged=staged, filename=filename, fields=fields)


async def _stage(chunks: AsyncIterator[bytes], store: MediaStore) -> StagedFile:
    """Sniff the first bytes (refusing a disallowed type at once), then stage the rest."""
    stream = ChunkStream(chunks)
    try:
        head = await stream.read_at_least(SNIFF_SIZE)
    except (MalformedBodyError, MediaError, ClientDisconnect):
        raise
    except Exception as exc:
        raise MediaError(
            MediaErrorCode.UPLOAD_INTERRUPTED, f"the upload stream failed at its start: {exc}"
        ) from exc
    try:
        signature = classify_head(head)
    except MediaError:
        await stream.aclose()
        raise
    return await store.storage.stage(stream, max_bytes=store.policy.max_bytes_for(signature.kind))


def _clean_filename(name: str | None) -> str | None:
    """The base name the client sent, without directories or control characters."""
    if name is None:
        return None
    base = _UNSAFE_NAME.sub("", re.split(r"[\\/]", name)[-1]).strip()
    return base[:500] or None


def _uploaded(
    staged: StagedFile, prepared: PreparedUpload, filename: str | None
) -> media.UploadedFile:
    file, metadata = prepared.file, prepared.metadata
    return media.UploadedFile(
        sha256=staged.sha256,
        size=staged.size,
        kind=vocab.MediaKind.IMAGE if file.kind is MediaKind.IMAGE else vocab.MediaKind.DOCUMENT,
        mime_type=file.mime_type,
        original_filename=filename,
        width=metadata.width if metadata else file.width,
        height=metadata.height if metadata else file.height,
        metadata=metadata,
    )


async def _register(
    state: AppState,
    store: MediaStore,
    staged: StagedFile,
    upload: media.UploadedFile,
    fields: media.MediaFields,
    user: User,
    request_id: str,
) -> tuple[MediaAsset, bool]:
    """Write the row, store the original, commit: in that order (see the module docstring)."""
    actor = Actor(label=user.username, role=user.role, user_id=user.id)
    with acting_as(actor, request_id):
        try:
            async with state.write_sessions() as session:
                asset, created = await media.register_upload(session, upload, fields, user.id)
                if created:
                    stored = await store.storage.commit(staged)
                    if stored.existed:
                        # Left by an earlier failed commit: keep a collection running now off it.
                        await asyncio.to_thread(touch, store.storage, upload.sha256)
                    try:
                        await session.commit()
                    except BaseException:
                        log.warning(
                            "the original %s is stored but its row was not committed; "
                            "`heritage media gc` removes it",
                            upload.sha256,
                        )
                        raise
                    return asset, True
        except IntegrityError:
            # The same bytes were uploaded concurrently and the other request won.
            async with state.read_sessions() as session:
                existing = await media.asset_by_sha256(session, upload.sha256)
            if existing is None:
                raise
            asset = existing
    # Already registered: keep no second copy, but restore the original if it went missing.
    if await store.storage.exists(original_key(upload.sha256)):
        await store.storage.discard(staged)
    else:
        await store.storage.commit(staged)
    return asset, False


async def _keep_renditions(store: MediaStore, sha256: str, prepared: PreparedUpload) -> None:
    for rendition in prepared.renditions:
        try:
            await store.renditions.store(sha256, rendition)
        except MediaError:
            # Derived data: the rendition route renders it again on first request.
            log.exception("could not store the %s rendition of %s", rendition.size_name, sha256)


def _answer(state: AppState, asset: MediaAsset, created: bool) -> JSONResponse:
    settings = state.settings
    body: dict[str, Any] = {
        "id": global_id("MediaAsset", asset.id),
        "databaseId": asset.id,
        "created": created,
        "sha256": asset.sha256,
        "mediaKind": asset.media_kind.value,
        "mimeType": asset.mime_type,
        "byteSize": asset.byte_size,
        "width": asset.width,
        "height": asset.height,
        "originalFilename": asset.original_filename,
        "caption": asset.caption,
        "photographer": asset.photographer,
        "licence": asset.licence,
        "originalUrl": original_url(settings, asset.sha256),
        "renditions": [
            {
                "size": link.size,
                "format": link.format.value,
                "url": link.url,
                "width": link.width,
                "height": link.height,
            }
            for link in rendition_links(settings, asset)
        ],
    }
    return JSONResponse(
        body,
        status_code=201 if created else 200,
        headers={"location": original_url(settings, asset.sha256)},
    )
