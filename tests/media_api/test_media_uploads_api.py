"""POST /media: real files through HTTP, accepted or refused with a coded error, never half
stored."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import MutableMapping
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select, text

from heritage.media import testing as samples
from heritage.models import ChangeRecord, MediaAsset
from heritage.models.vocab import ChangeAction, UserRole
from tests.support.media import (
    BASE_URL,
    DOCUMENT_LIMIT,
    IMAGE_LIMIT,
    MediaApi,
    answer,
    refusing_trigger,
)

ROTATED_PHOTO = samples.jpeg((640, 480), exif=samples.camera_exif(orientation=6))
PNG = samples.transparent_png()


async def test_a_photo_is_stored_with_its_metadata_and_a_thumbnail(media_api: MediaApi) -> None:
    response = await media_api.upload(
        ROTATED_PHOTO,
        "塔 东立面.jpg",
        caption="释迦塔东立面",
        photographer="李工",
        licence="CC-BY-4.0",
    )

    assert response.status_code == 201, response.text
    body = answer(response)
    sha256 = hashlib.sha256(ROTATED_PHOTO).hexdigest()
    assert body["created"] is True
    assert body["sha256"] == sha256
    assert (body["mediaKind"], body["mimeType"]) == ("IMAGE", "image/jpeg")
    assert (body["width"], body["height"]) == (480, 640)  # as displayed, after the EXIF rotation
    assert body["originalFilename"] == "塔 东立面.jpg"
    assert body["originalUrl"] == f"{BASE_URL}/media/{sha256}/original"
    assert response.headers["location"] == body["originalUrl"]
    thumb_webp = {(r["size"], r["format"]): r for r in body["renditions"]}[("thumb", "webp")]
    assert (thumb_webp["width"], thumb_webp["height"]) == (192, 256)

    [original] = media_api.originals()
    assert original.name == sha256
    assert original.read_bytes() == ROTATED_PHOTO
    assert media_api.temporaries() == []
    [thumb] = media_api.renditions()  # made during the upload, from the validation decode
    with Image.open(thumb) as image:
        assert (image.format, image.size) == ("WEBP", (192, 256))
    async with media_api.api.session() as session:
        asset = await session.scalar(select(MediaAsset))
        assert asset is not None
        assert (asset.caption, asset.photographer, asset.licence) == (
            "释迦塔东立面",
            "李工",
            "CC-BY-4.0",
        )
        assert asset.camera == "Canon EOS R6"
        assert asset.taken_at is not None
        assert asset.taken_at.isoformat() == "2023-05-01T02:20:30+00:00"  # 10:20:30 in China
        assert asset.gps_lat == pytest.approx(samples.LATITUDE, abs=1e-6)
        assert asset.gps_lon == pytest.approx(samples.LONGITUDE, abs=1e-6)
        created = await session.scalar(
            select(ChangeRecord).where(ChangeRecord.object_type == "media_asset")
        )
        assert created is not None
        assert (created.action, created.actor_label) == (ChangeAction.CREATE, "surveyor")


@pytest.mark.parametrize(
    ("sample", "mime_type", "kind", "size"),
    [
        (samples.transparent_png(), "image/png", "IMAGE", (300, 200)),
        (samples.tiff_16_bit(), "image/tiff", "IMAGE", (300, 200)),
        (samples.minimal_pdf(), "application/pdf", "DOCUMENT", None),
        (samples.dxf(), "image/vnd.dxf", "DOCUMENT", None),
    ],
    ids=["png", "tiff", "pdf", "dxf"],
)
async def test_other_accepted_kinds(
    media_api: MediaApi,
    sample: bytes,
    mime_type: str,
    kind: str,
    size: tuple[int, int] | None,
) -> None:
    body = answer(await media_api.upload(sample, "file.bin"))

    assert (body["mimeType"], body["mediaKind"]) == (mime_type, kind)
    assert (body["width"], body["height"]) == (size or (None, None))
    assert len(body["renditions"]) == (4 if kind == "IMAGE" else 0)
    assert [p.read_bytes() for p in media_api.originals()] == [sample]


def _elf_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(4000)


def _truncated_jpeg() -> bytes:
    whole = samples.jpeg((640, 480))
    return whole[: len(whole) // 2]


def _too_large_jpeg() -> bytes:
    # A JPEG start, then more than the image limit: refused while streaming, not after.
    return b"\xff\xd8\xff\xe0" + bytes(IMAGE_LIMIT + 10_000)


@pytest.mark.parametrize(
    ("sample", "status", "code"),
    [
        (_elf_executable(), 415, "UNSUPPORTED_TYPE"),
        (_truncated_jpeg(), 422, "TRUNCATED_IMAGE"),
        (samples.png_claiming(20_000, 20_000), 422, "DECOMPRESSION_BOMB"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), 422, "CORRUPT_IMAGE"),
        (b"", 422, "EMPTY_FILE"),
        (_too_large_jpeg(), 413, "FILE_TOO_LARGE"),
    ],
    ids=["renamed-executable", "truncated-jpeg", "bomb", "corrupt-png", "empty", "too-large"],
)
async def test_refused_files_leave_no_file_and_no_row(
    media_api: MediaApi, sample: bytes, status: int, code: str
) -> None:
    response = await media_api.upload(sample, "photo.jpg", content_type="image/jpeg")

    assert response.status_code == status, response.text
    assert answer(response)["code"] == code
    assert answer(response)["message"]
    await media_api.assert_nothing_stored()


async def test_size_limits_follow_the_kind_and_the_declared_length(media_api: MediaApi) -> None:
    # A drawing may be larger than a photo may be …
    big_pdf = samples.minimal_pdf() + b"%" + bytes(IMAGE_LIMIT)
    accepted = await media_api.upload(big_pdf, "plan.pdf")
    # … but a body longer than any file may be is refused before it is read.
    declared = await media_api.api.client.post(
        "/media",
        content=b"x",
        headers={
            "authorization": f"Bearer {media_api.api.tokens[UserRole.SURVEYOR]}",
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(DOCUMENT_LIMIT * 2),
        },
    )

    assert accepted.status_code == 201, accepted.text
    assert declared.status_code == 413
    assert answer(declared)["code"] == "FILE_TOO_LARGE"
    assert media_api.temporaries() == []


async def test_the_same_bytes_twice_give_the_existing_asset(media_api: MediaApi) -> None:
    first = await media_api.upload(ROTATED_PHOTO, "a.jpg", caption="first")
    second = await media_api.upload(ROTATED_PHOTO, "b.jpg", caption="second")

    assert (first.status_code, second.status_code) == (201, 200)
    assert answer(second)["created"] is False
    assert answer(second)["id"] == answer(first)["id"]
    assert answer(second)["caption"] == "first"
    assert len(media_api.originals()) == 1
    assert media_api.temporaries() == []
    assert await media_api.asset_count() == 1


async def test_uploads_need_a_surveyor_token(media_api: MediaApi) -> None:
    anonymous = await media_api.upload(ROTATED_PHOTO, role=None)
    researcher = await media_api.upload(ROTATED_PHOTO, role=UserRole.RESEARCHER)
    forged = await media_api.api.client.post(
        "/media",
        files={"file": ("a.jpg", ROTATED_PHOTO)},
        headers={"authorization": "Bearer hr_not-a-token"},
    )
    officer = await media_api.upload(ROTATED_PHOTO, role=UserRole.PROTECTION_OFFICER)

    assert (anonymous.status_code, answer(anonymous)["code"]) == (401, "UNAUTHENTICATED")
    assert (researcher.status_code, answer(researcher)["code"]) == (403, "PERMISSION_DENIED")
    assert (forged.status_code, answer(forged)["code"]) == (401, "UNAUTHENTICATED")
    assert officer.status_code == 201
    assert await media_api.asset_count() == 1


def _multipart(*parts: tuple[str, str | None, bytes], closed: bool = True) -> bytes:
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += f"--b\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    return body + (b"--b--\r\n" if closed else b"")


async def _post_raw(media_api: MediaApi, body: bytes) -> Any:
    return await media_api.api.client.post(
        "/media",
        content=body,
        headers={
            "authorization": f"Bearer {media_api.api.tokens[UserRole.SURVEYOR]}",
            "content-type": "multipart/form-data; boundary=b",
        },
    )


async def test_fields_may_follow_the_file_and_names_are_utf8(media_api: MediaApi) -> None:
    body = _multipart(
        ("file", "东立面.png", samples.transparent_png()), ("caption", None, "东立面".encode())
    )

    response = await _post_raw(media_api, body)

    assert response.status_code == 201, response.text
    assert (answer(response)["caption"], answer(response)["originalFilename"]) == (
        "东立面",
        "东立面.png",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_multipart(("caption", None, b"no file")), "no file"),
        (_multipart(("file", "a.png", PNG), closed=False), "closing"),
        (
            _multipart(
                ("file", "a.png", samples.transparent_png()), ("file", "b.pdf", b"%PDF-1.7")
            ),
            "one file",
        ),
        (_multipart(("file", "a.png", PNG), ("owner", None, b"x")), "owner"),
        (_multipart(("file", "a.png", PNG), ("caption", None, b"x" * 9000)), "longer than"),
        (_multipart(("file", "a.png", PNG), ("photographer", None, b"x" * 300)), "photographer"),
    ],
    ids=["no-file", "unterminated", "two-files", "unknown-field", "huge-field", "invalid-field"],
)
async def test_malformed_forms_are_bad_requests_and_leave_nothing(
    media_api: MediaApi, body: bytes, message: str
) -> None:
    response = await _post_raw(media_api, body)

    assert response.status_code == 400, response.text
    assert answer(response)["code"] in {"BAD_REQUEST", "INVALID"}
    assert message in answer(response)["message"] + str(answer(response).get("field"))
    await media_api.assert_nothing_stored()


async def test_an_upload_cut_off_by_the_client_leaves_nothing(media_api: MediaApi) -> None:
    """The client disconnects half-way through the file; the app sees what a server sends."""
    photo = samples.jpeg((1200, 900), quality=95)
    body = _multipart(("file", "a.jpg", photo))
    token = media_api.api.tokens[UserRole.SURVEYOR]
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": body[i : i + 4096], "more_body": True}
        for i in range(0, len(body) // 2, 4096)
    ]
    messages.append({"type": "http.disconnect"})
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0)
        return messages.pop(0) if len(messages) > 1 else messages[0]

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/media",
        "raw_path": b"/media",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"registry"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"multipart/form-data; boundary=b"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("registry", 80),
    }
    assert media_api.api.app is not None

    await media_api.api.app(scope, receive, send)

    assert sent[0]["status"] == 400
    assert b"UPLOAD_INTERRUPTED" in sent[1]["body"]
    await media_api.assert_nothing_stored()


async def test_a_database_refusal_leaves_no_file(media_api: MediaApi, backend: str) -> None:
    async with media_api.api.session() as session:
        for statement in refusing_trigger(backend, deferred=False):
            await session.execute(text(statement))

    response = await media_api.upload(ROTATED_PHOTO)

    assert response.status_code == 500
    assert answer(response)["code"] == "INTERNAL_ERROR"
    await media_api.assert_nothing_stored()
