"""Media in the GraphQL API: attach, detach and describe uploaded assets, per role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from heritage.graphql.ids import global_id
from heritage.media import testing as samples
from heritage.models.vocab import ConditionSystem, UserRole
from heritage.services.surveys import SurveyCreate, add_survey
from tests.support.factories import make_site
from tests.support.media import BASE_URL, MediaApi, answer

ATTACH = """
mutation Attach($input: MediaAttachInput!) {
  mediaAttach(input: $input) {
    mediaLink { id role position target { __typename } }
    mediaAsset { id }
    errors { field code message }
  }
}
"""

DETACH = """
mutation Detach($id: ID!) {
  mediaDetach(id: $id) { mediaAsset { id } errors { code } }
}
"""

UPDATE = """
mutation Update($id: ID!, $version: Int!, $input: MediaUpdateInput!) {
  mediaUpdate(id: $id, version: $version, input: $input) {
    mediaAsset { caption licence version }
    errors { field code }
  }
}
"""

SITE_MEDIA = """
query SiteMedia($id: ID!) {
  node(id: $id) {
    ... on Site {
      media {
        id databaseId originalUrl gpsLon gpsLat width height
        renditions { size format url width height }
        links { role target { __typename ... on Site { name } ... on SurveyRecord { surveyor } } }
      }
      surveys { media { id } }
    }
  }
}
"""

PHOTO = samples.jpeg((640, 480), exif=samples.camera_exif())


async def _records(media_api: MediaApi) -> tuple[str, str]:
    async with media_api.api.session() as session:
        site = await make_site(session)
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
    return global_id("Site", site.id), global_id("SurveyRecord", survey.id)


async def attach(media_api: MediaApi, caller: UserRole | None, **fields: Any) -> dict[str, Any]:
    data = await media_api.api.data(ATTACH, {"input": fields}, caller)
    result: dict[str, Any] = data["mediaAttach"]
    return result


async def test_surveyors_attach_and_detach_media_others_may_not(media_api: MediaApi) -> None:
    site_id, survey_id = await _records(media_api)
    asset = answer(await media_api.upload(PHOTO))

    refused = {
        role: await attach(media_api, role, mediaAssetId=asset["id"], targetId=site_id)
        for role in (None, UserRole.RESEARCHER)
    }
    on_site = await attach(
        media_api, UserRole.SURVEYOR, mediaAssetId=asset["id"], targetId=site_id, role="BEFORE"
    )
    on_survey = await attach(
        media_api, UserRole.PROTECTION_OFFICER, mediaAssetId=asset["id"], targetId=survey_id
    )
    twice = await attach(media_api, UserRole.SURVEYOR, mediaAssetId=asset["id"], targetId=site_id)
    not_a_record = await attach(
        media_api, UserRole.SURVEYOR, mediaAssetId=asset["id"], targetId=asset["id"]
    )
    no_asset = await attach(
        media_api,
        UserRole.SURVEYOR,
        mediaAssetId=global_id("MediaAsset", 999),
        targetId=site_id,
    )

    for result in refused.values():
        assert [e["code"] for e in result["errors"]] == ["PERMISSION_DENIED"]
        assert result["mediaLink"] is None
    assert on_site["errors"] == []
    assert on_site["mediaLink"]["role"] == "BEFORE"
    assert on_site["mediaLink"]["target"]["__typename"] == "Site"
    assert on_survey["mediaLink"]["target"]["__typename"] == "SurveyRecord"
    assert [(e["field"], e["code"]) for e in twice["errors"]] == [("targetId", "DUPLICATE")]
    assert [(e["field"], e["code"]) for e in not_a_record["errors"]] == [("targetId", "INVALID")]
    assert [(e["field"], e["code"]) for e in no_asset["errors"]] == [("mediaAssetId", "NOT_FOUND")]

    seen = (await media_api.api.data(SITE_MEDIA, {"id": site_id}, UserRole.SURVEYOR))["node"]
    [media] = seen["media"]
    assert media["id"] == asset["id"]
    assert seen["surveys"] == [{"media": [{"id": asset["id"]}]}]
    assert {(link["role"], link["target"]["__typename"]) for link in media["links"]} == {
        ("BEFORE", "Site"),
        (None, "SurveyRecord"),
    }

    detached = await media_api.api.data(
        DETACH, {"id": on_site["mediaLink"]["id"]}, UserRole.RESEARCHER
    )
    assert [e["code"] for e in detached["mediaDetach"]["errors"]] == ["PERMISSION_DENIED"]
    detached = await media_api.api.data(
        DETACH, {"id": on_site["mediaLink"]["id"]}, UserRole.SURVEYOR
    )
    assert detached["mediaDetach"] == {"mediaAsset": {"id": asset["id"]}, "errors": []}
    after = (await media_api.api.data(SITE_MEDIA, {"id": site_id}, UserRole.SURVEYOR))["node"]
    assert after["media"] == []
    assert after["surveys"] == [{"media": [{"id": asset["id"]}]}]
    assert len(media_api.originals()) == 1  # detaching never deletes the original


async def test_gps_and_attachments_are_for_surveyors_renditions_for_everyone(
    media_api: MediaApi,
) -> None:
    site_id, _ = await _records(media_api)
    asset = answer(await media_api.upload(PHOTO))
    await attach(media_api, UserRole.SURVEYOR, mediaAssetId=asset["id"], targetId=site_id)

    views = {
        role: (await media_api.api.data(SITE_MEDIA, {"id": site_id}, role))["node"]["media"][0]
        for role in (None, UserRole.RESEARCHER, UserRole.SURVEYOR)
    }

    for role in (None, UserRole.RESEARCHER):
        assert (views[role]["gpsLon"], views[role]["gpsLat"]) == (None, None)
        assert views[role]["links"] == []
    assert views[UserRole.SURVEYOR]["gpsLat"] == samples.LATITUDE
    assert views[UserRole.SURVEYOR]["gpsLon"] == samples.LONGITUDE
    public = views[None]
    assert public["originalUrl"] == f"{BASE_URL}/media/{asset['sha256']}/original"
    assert {(r["size"], r["format"], r["width"], r["height"]) for r in public["renditions"]} == {
        ("THUMB", "WEBP", 256, 192),
        ("THUMB", "JPEG", 256, 192),
        ("PREVIEW", "WEBP", 640, 480),
        ("PREVIEW", "JPEG", 640, 480),
    }
    for rendition in public["renditions"]:
        served = await media_api.get(rendition["url"])
        assert served.status_code == 200


async def test_descriptions_are_updated_with_the_current_version(media_api: MediaApi) -> None:
    asset = answer(await media_api.upload(PHOTO, caption="旧"))

    researcher = await media_api.api.data(
        UPDATE, {"id": asset["id"], "version": 1, "input": {"caption": "新"}}, UserRole.RESEARCHER
    )
    updated = await media_api.api.data(
        UPDATE,
        {"id": asset["id"], "version": 1, "input": {"caption": "新", "licence": "CC-BY-4.0"}},
        UserRole.SURVEYOR,
    )
    stale = await media_api.api.data(
        UPDATE, {"id": asset["id"], "version": 1, "input": {"caption": "更新"}}, UserRole.SURVEYOR
    )

    assert [e["code"] for e in researcher["mediaUpdate"]["errors"]] == ["PERMISSION_DENIED"]
    assert updated["mediaUpdate"] == {
        "mediaAsset": {"caption": "新", "licence": "CC-BY-4.0", "version": 2},
        "errors": [],
    }
    assert [e["code"] for e in stale["mediaUpdate"]["errors"]] == ["STALE_VERSION"]
