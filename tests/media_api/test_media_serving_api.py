"""Serving media: renditions with ETags and no metadata, originals with their access rules."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from heritage.media import testing as samples
from heritage.models.vocab import (
    ConditionSystem,
    CoordinateVisibility,
    IncidentSeverity,
    IncidentType,
    UserRole,
)
from heritage.services.incidents import IncidentCreate, report_incident
from heritage.services.media import MediaAttach, MediaTarget, attach_media
from heritage.services.surveys import SurveyCreate, add_survey
from tests.support.factories import make_site
from tests.support.media import MediaApi, answer

GPS_PHOTO = samples.jpeg((640, 480), exif=samples.camera_exif(orientation=6))


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_renditions_are_rotated_metadata_free_cached_and_revalidated(
    media_api: MediaApi,
) -> None:
    asset = answer(await media_api.upload(GPS_PHOTO))
    urls = {(r["size"], r["format"]): r["url"] for r in asset["renditions"]}

    thumb = await media_api.get(urls[("thumb", "webp")])
    again = await media_api.get(urls[("thumb", "webp")])
    revalidated = await media_api.get(urls[("thumb", "webp")], if_none_match=thumb.headers["etag"])
    preview = await media_api.get(urls[("preview", "jpeg")])
    preview_again = await media_api.get(urls[("preview", "jpeg")])

    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/webp"
    assert thumb.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert thumb.headers["etag"].startswith('"')
    assert thumb.headers["etag"].endswith('"')
    assert (again.content, again.headers["etag"]) == (thumb.content, thumb.headers["etag"])
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["etag"] == thumb.headers["etag"]
    image = decoded(thumb.content)
    assert image.size == (192, 256)
    # The red marker of the stored top-left corner is top-right once the photo is upright.
    red, green, _ = image.convert("RGB").getpixel((image.width - 10, 10))  # type: ignore[misc]
    assert red > 200
    assert green < 60
    for rendition in (thumb, preview):
        picture = decoded(rendition.content)
        assert len(picture.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile"} & set(picture.info)
        assert b"GPS" not in rendition.content
        assert b"Exif" not in rendition.content
    assert decoded(preview.content).size == (480, 640)  # never enlarged
    assert preview.headers["etag"] != thumb.headers["etag"]
    assert preview_again.content == preview.content
    # Rendered once: the preview is a file in the store now, next to the upload's thumbnail.
    assert len(media_api.renditions()) == 2


async def test_transparent_images_keep_alpha_in_webp_and_turn_white_in_jpeg(
    media_api: MediaApi,
) -> None:
    asset = answer(await media_api.upload(samples.transparent_png(), "logo.png"))
    urls = {(r["size"], r["format"]): r["url"] for r in asset["renditions"]}

    webp = decoded((await media_api.get(urls[("thumb", "webp")])).content)
    jpeg = decoded((await media_api.get(urls[("thumb", "jpeg")])).content)

    assert webp.mode == "RGBA"
    assert webp.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert jpeg.mode == "RGB"
    assert min(jpeg.getpixel((0, 0))) > 240  # type: ignore[arg-type]


async def test_unknown_renditions_and_assets_are_not_found(media_api: MediaApi) -> None:
    photo = answer(await media_api.upload(GPS_PHOTO))["sha256"]
    pdf = answer(await media_api.upload(samples.minimal_pdf(), "plan.pdf"))["sha256"]
    unknown = "0" * 64

    cases = {
        f"/media/{photo}/huge.webp": "UNKNOWN_RENDITION",
        f"/media/{photo}/thumb.gif": "UNKNOWN_RENDITION",
        f"/media/{photo}/thumb.jpeg": "UNKNOWN_RENDITION",
        f"/media/{pdf}/thumb.webp": "UNKNOWN_RENDITION",
        f"/media/{unknown}/thumb.webp": "NOT_FOUND",
        f"/media/{unknown}/original": "NOT_FOUND",
        "/media/ABC/original": "INVALID_KEY",
    }
    for path, code in cases.items():
        response = await media_api.get(path, UserRole.SURVEYOR)
        assert (response.status_code, answer(response)["code"]) == (404, code), path


async def test_originals_are_downloaded_as_uploaded_by_those_allowed(media_api: MediaApi) -> None:
    asset = answer(await media_api.upload(GPS_PHOTO, "东立面.jpg"))
    url = asset["originalUrl"]

    unattached = {role: await media_api.get(url, role) for role in (None, UserRole.RESEARCHER)}
    surveyor = await media_api.get(url, UserRole.SURVEYOR)
    revalidated = await media_api.get(
        url, UserRole.SURVEYOR, if_none_match=surveyor.headers["etag"]
    )
    async with media_api.api.session() as session:
        public_site = await make_site(session, "镇国寺")
        secret_site = await make_site(
            session, "未发掘墓葬", coordinate_visibility=CoordinateVisibility.SENSITIVE
        )
        await attach_media(
            session,
            MediaAttach(
                media_asset_id=asset["databaseId"],
                target=MediaTarget.OBJECT,
                target_id=public_site.id,
            ),
        )
    public = await media_api.get(url)
    async with media_api.api.session() as session:
        await attach_media(
            session,
            MediaAttach(
                media_asset_id=asset["databaseId"],
                target=MediaTarget.OBJECT,
                target_id=secret_site.id,
            ),
        )
    sensitive = await media_api.get(url)

    assert unattached[None].status_code == 401
    assert unattached[UserRole.RESEARCHER].status_code == 403
    assert answer(unattached[UserRole.RESEARCHER])["code"] == "PERMISSION_DENIED"
    assert surveyor.status_code == 200
    assert surveyor.content == GPS_PHOTO  # GPS and all: it is the original
    assert surveyor.headers["content-type"] == "image/jpeg"
    assert surveyor.headers["content-disposition"].startswith("attachment;")
    assert "%E4%B8%9C%E7%AB%8B%E9%9D%A2.jpg" in surveyor.headers["content-disposition"]
    assert surveyor.headers["etag"] == f'"{asset["sha256"]}"'
    assert surveyor.headers["cache-control"] == "private, no-cache"
    assert revalidated.status_code == 304
    assert public.status_code == 200
    assert public.content == GPS_PHOTO
    assert sensitive.status_code == 401


async def test_records_pass_their_visibility_to_originals_and_incidents_restrict(
    media_api: MediaApi,
) -> None:
    asset = answer(await media_api.upload(GPS_PHOTO))
    async with media_api.api.session() as session:
        site = await make_site(session, "镇国寺")
        survey = await add_survey(
            session,
            SurveyCreate(
                object_id=site.id,
                surveyed_on=dt.date(2024, 4, 2),
                surveyor="王工",
                condition_system=ConditionSystem.UI5,
                condition_grade="GOOD",
            ),
        )
        incident = await report_incident(
            session,
            IncidentCreate(
                object_id=site.id,
                incident_type=IncidentType.DEFACEMENT,
                severity=IncidentSeverity.MINOR,
                occurred_on=dt.date(2024, 5, 1),
            ),
        )
        await attach_media(
            session,
            MediaAttach(
                media_asset_id=asset["databaseId"],
                target=MediaTarget.SURVEY_RECORD,
                target_id=survey.id,
            ),
        )
    through_survey = await media_api.get(asset["originalUrl"])
    async with media_api.api.session() as session:
        await attach_media(
            session,
            MediaAttach(
                media_asset_id=asset["databaseId"],
                target=MediaTarget.INCIDENT,
                target_id=incident.id,
            ),
        )
    with_incident = await media_api.get(asset["originalUrl"])
    renditions = [await media_api.get(r["url"]) for r in asset["renditions"]]

    assert through_survey.status_code == 200
    assert with_incident.status_code == 401
    assert [r.status_code for r in renditions] == [200] * 4
