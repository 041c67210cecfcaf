"""Media assets: registering uploads, attaching them to records, editing their descriptions.

Uploads reach this module already validated (see :mod:`heritage.web.uploads`): the file is in
storage staging, and the row written here is what makes it part of the registry. Nothing is
committed here; the edge commits the row only after the original is safely stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import Select, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from heritage.db.base import Base
from heritage.media import ImageMetadata
from heritage.models import (
    ArchiveItem,
    HeritageObject,
    Incident,
    Intervention,
    MappingDeliverable,
    MappingRecord,
    MediaAsset,
    MediaLink,
    Plaque,
    SurveyRecord,
)
from heritage.models.vocab import CoordinateVisibility, MediaKind
from heritage.services.checks import CHINA_TZ, not_found, require_version
from heritage.services.errors import ErrorCode, ServiceError
from heritage.services.inputs import Input, apply_given

Text200 = Annotated[str, Field(max_length=200)]


class MediaFields(Input):
    """What people write about a file; on update only the fields given change."""

    caption: Annotated[str, Field(max_length=2000)] | None = None
    photographer: Text200 | None = None
    licence: Text200 | None = None


@dataclass(frozen=True)
class UploadedFile:
    """An accepted upload as the pipeline found it, before it has a row.

    ``width``/``height`` are as displayed (EXIF orientation applied), which is what people
    and rendition sizes go by.
    """

    sha256: str
    size: int
    kind: MediaKind
    mime_type: str
    original_filename: str | None
    width: int | None = None
    height: int | None = None
    metadata: ImageMetadata | None = None


async def asset_by_sha256(session: AsyncSession, sha256: str) -> MediaAsset | None:
    """The asset holding the bytes with this hash, if any."""
    asset: MediaAsset | None = await session.scalar(
        select(MediaAsset).where(MediaAsset.sha256 == sha256)
    )
    return asset


async def get_asset(session: AsyncSession, asset_id: int, field: str = "id") -> MediaAsset:
    """The asset with ``asset_id``, or NOT_FOUND."""
    asset = await session.get(MediaAsset, asset_id)
    if asset is None:
        raise not_found("media asset", asset_id, field)
    return asset


async def register_upload(
    session: AsyncSession, upload: UploadedFile, fields: MediaFields, uploaded_by_id: int | None
) -> tuple[MediaAsset, bool]:
    """The asset for ``upload`` and whether it is new.

    The same bytes uploaded again give the existing asset (``False``) and write nothing: the
    descriptions sent with the second upload are not applied, use an update for that.
    """
    existing = await asset_by_sha256(session, upload.sha256)
    if existing is not None:
        return existing, False
    asset = MediaAsset(
        sha256=upload.sha256,
        media_kind=upload.kind,
        mime_type=upload.mime_type,
        byte_size=upload.size,
        width=upload.width,
        height=upload.height,
        original_filename=upload.original_filename,
        uploaded_by_id=uploaded_by_id,
    )
    _apply_metadata(asset, upload.metadata)
    apply_given(asset, fields)
    session.add(asset)
    await session.flush()
    return asset, True


def _apply_metadata(asset: MediaAsset, metadata: ImageMetadata | None) -> None:
    if metadata is None:
        return
    taken = metadata.taken_at
    if taken is not None and taken.tzinfo is None:
        # Cameras without a recorded UTC offset give wall-clock time; the registry's photos
        # are taken in China, which keeps one zone without daylight saving.
        taken = taken.replace(tzinfo=CHINA_TZ)
    asset.taken_at = taken
    asset.camera = _camera(metadata.camera_make, metadata.camera_model)
    if metadata.gps is not None:
        asset.gps_lon, asset.gps_lat = metadata.gps.longitude, metadata.gps.latitude


def _camera(make: str | None, model: str | None) -> str | None:
    if make and model and model.lower().startswith(make.lower()):
        make = None  # "Canon" + "Canon EOS R6" reads "Canon EOS R6"
    text = " ".join(part for part in (make, model) if part)
    return text[:200] or None


async def update_media(
    session: AsyncSession, asset_id: int, version: int, data: MediaFields
) -> MediaAsset:
    """Change the caption, photographer or licence of an asset."""
    asset = await get_asset(session, asset_id)
    require_version(asset.version, version)
    apply_given(asset, data)
    await session.flush()
    return asset


class MediaTarget(StrEnum):
    """What a media link can point at; each is one column of ``media_link``."""

    OBJECT = "OBJECT"
    SURVEY_RECORD = "SURVEY_RECORD"
    MAPPING_RECORD = "MAPPING_RECORD"
    PLAQUE = "PLAQUE"
    INTERVENTION = "INTERVENTION"
    ARCHIVE_ITEM = "ARCHIVE_ITEM"
    INCIDENT = "INCIDENT"


# Target → (the table it names, the link column, what to call it in messages).
TARGETS: dict[MediaTarget, tuple[type[Base], InstrumentedAttribute[Any], str]] = {
    MediaTarget.OBJECT: (HeritageObject, MediaLink.object_id, "place or site"),
    MediaTarget.SURVEY_RECORD: (SurveyRecord, MediaLink.survey_record_id, "survey"),
    MediaTarget.MAPPING_RECORD: (MappingRecord, MediaLink.mapping_record_id, "mapping record"),
    MediaTarget.PLAQUE: (Plaque, MediaLink.plaque_id, "plaque"),
    MediaTarget.INTERVENTION: (Intervention, MediaLink.intervention_id, "works project"),
    MediaTarget.ARCHIVE_ITEM: (ArchiveItem, MediaLink.archive_item_id, "archive item"),
    MediaTarget.INCIDENT: (Incident, MediaLink.incident_id, "incident"),
}


class MediaAttach(Input):
    """Attach an uploaded asset to one record, with what it shows and where in the list."""

    media_asset_id: int
    target: MediaTarget
    target_id: int
    role: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    position: Annotated[int, Field(ge=0)] | None = None


async def attach_media(session: AsyncSession, data: MediaAttach) -> MediaLink:
    """Link an asset to a record; without a position it goes to the end of the record's list."""
    asset = await get_asset(session, data.media_asset_id, "mediaAssetId")
    model, column, what = TARGETS[data.target]
    target = await session.get(model, data.target_id)
    if target is None:
        raise not_found(what, data.target_id, "targetId")
    attached = await session.scalar(
        select(MediaLink.id).where(MediaLink.media_asset_id == asset.id, column == data.target_id)
    )
    if attached is not None:
        raise ServiceError.single(
            "targetId",
            ErrorCode.DUPLICATE,
            f"media asset {asset.id} is already attached to this {what}",
        )
    position = data.position
    if position is None:
        last = await session.scalar(
            select(func.max(MediaLink.position)).where(column == data.target_id)
        )
        position = 0 if last is None else last + 1
    link = MediaLink(media_asset_id=asset.id, role=data.role, position=position)
    setattr(link, column.key, data.target_id)
    session.add(link)
    await session.flush()
    return link


async def detach_media(session: AsyncSession, link_id: int) -> MediaAsset:
    """Remove one attachment; the asset and its original stay (originals are kept for ever)."""
    link = await session.get(MediaLink, link_id)
    if link is None:
        raise not_found("media link", link_id)
    asset = await get_asset(session, link.media_asset_id)
    await session.delete(link)
    await session.flush()
    return asset


def link_target(link: MediaLink) -> tuple[MediaTarget, int]:
    """Which record a link points at."""
    for target, (_, column, _) in TARGETS.items():
        value = getattr(link, column.key)
        if value is not None:
            return target, value
    raise ValueError(f"media link {link.id} has no target")  # the database forbids this


def _objects_of_asset(asset_id: int) -> Select[tuple[int]]:
    """Ids of the places and sites an asset documents, directly or through their records."""
    direct = select(MediaLink.object_id.label("object_id")).where(
        MediaLink.media_asset_id == asset_id, MediaLink.object_id.is_not(None)
    )
    through: list[Select[Any]] = [direct]
    for target, (model, column, _) in TARGETS.items():
        if target is MediaTarget.OBJECT:
            continue
        record_object: Any = model.object_id  # type: ignore[attr-defined]
        through.append(
            select(record_object.label("object_id"))
            .join(MediaLink, column == model.id)  # type: ignore[attr-defined]
            .where(MediaLink.media_asset_id == asset_id)
        )
    through.append(
        select(MappingRecord.object_id.label("object_id"))
        .join(MappingDeliverable, MappingDeliverable.mapping_record_id == MappingRecord.id)
        .where(MappingDeliverable.media_asset_id == asset_id)
    )
    return select(union_all(*through).subquery().c.object_id)


async def original_is_restricted(session: AsyncSession, asset_id: int) -> bool:
    """Whether the original file may be downloaded by surveyors and above only.

    Originals keep the camera's GPS position, so they are restricted when the asset is not
    attached to anything yet, when it documents a sensitive place or site (directly or through
    one of its records), or when it belongs to an incident (incidents are not public).
    Renditions carry no metadata and are public in every case.
    """
    linked_to_incident = await session.scalar(
        select(MediaLink.id).where(
            MediaLink.media_asset_id == asset_id, MediaLink.incident_id.is_not(None)
        )
    )
    if linked_to_incident is not None:
        return True
    visibilities = set(
        await session.scalars(
            select(HeritageObject.coordinate_visibility).where(
                HeritageObject.id.in_(_objects_of_asset(asset_id))
            )
        )
    )
    return not visibilities or CoordinateVisibility.SENSITIVE in visibilities


async def referenced_hashes(session: AsyncSession, hashes: list[str]) -> set[str]:
    """Which of ``hashes`` belong to an asset row."""
    if not hashes:
        return set()
    return set(
        await session.scalars(select(MediaAsset.sha256).where(MediaAsset.sha256.in_(hashes)))
    )
