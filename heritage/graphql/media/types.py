"""GraphQL types of media assets, their renditions and their attachments."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import attribute, columns_mixin
from heritage.graphql.nodes import ModelNode
from heritage.graphql.objects import types as objects
from heritage.graphql.records import types as records
from heritage.graphql.works import types as works
from heritage.models.vocab import UserRole
from heritage.services.media import TARGETS, MediaTarget, link_target
from heritage.web.links import RenditionLink, original_url, rendition_links

#: Who sees the GPS position a camera recorded, and an asset's attachments.
SEE_GPS = UserRole.SURVEYOR

MediaColumns: Any = columns_mixin(
    "MediaColumns",
    inspect(models.MediaAsset),
    [
        "sha256",
        "media_kind",
        "mime_type",
        "byte_size",
        "width",
        "height",
        "original_filename",
        "caption",
        "photographer",
        "licence",
        "taken_at",
        "camera",
        "version",
        "created_at",
    ],
)


class MediaRenditionSize(graphene.Enum):
    """Bounding boxes of the renditions made of every image."""

    THUMB = "thumb"
    PREVIEW = "preview"

    @property
    def description(self) -> str:
        return {
            MediaRenditionSize.THUMB: "At most 256 px on the longest side: lists, map pop-ups.",
            MediaRenditionSize.PREVIEW: "At most 1280 px on the longest side: record pages.",
        }[self]


class MediaRenditionFormat(graphene.Enum):
    """Encodings of the renditions."""

    WEBP = "webp"
    JPEG = "jpeg"

    @property
    def description(self) -> str:
        return {
            MediaRenditionFormat.WEBP: "WebP, for browsers (keeps transparency).",
            MediaRenditionFormat.JPEG: "JPEG, for everything else (transparency on white).",
        }[self]


class MediaRendition(graphene.ObjectType):
    """A public copy of an image, resized, with every bit of metadata (GPS included) removed."""

    size = graphene.Field(graphene.NonNull(MediaRenditionSize), description="Which bounding box.")
    format = graphene.Field(graphene.NonNull(MediaRenditionFormat), description="Encoding.")
    url = graphene.String(
        required=True, description="Where it is served (rendered on first request, then cached)."
    )
    width = graphene.Int(required=True, description="Width in pixels, as displayed.")
    height = graphene.Int(required=True, description="Height in pixels, as displayed.")

    @staticmethod
    def resolve_size(root: RenditionLink, info: ResolveInfo) -> str:
        return root.size

    @staticmethod
    def resolve_format(root: RenditionLink, info: ResolveInfo) -> str:
        return root.format.value


class MediaAsset(MediaColumns, ModelNode):
    """A stored photo, drawing or document; the original is kept for ever.

    The GPS position recorded by the camera is shown to surveyors and above only; the original
    file of an asset documenting a sensitive place or site, an incident, or nothing yet is
    downloadable by them only. Renditions carry no metadata and are public.
    """

    model = models.MediaAsset

    class Meta:
        interfaces = (relay.Node,)

    database_id = graphene.Int(
        required=True, description="Database id of the asset.", resolver=attribute("id")
    )
    original_url = graphene.String(
        required=True,
        description="Where the original file is downloaded (restricted originals need a "
        "surveyor's token).",
    )
    renditions = graphene.List(
        graphene.NonNull(MediaRendition),
        required=True,
        description="Thumbnails and previews (images only; empty for documents).",
    )
    gps_lon = graphene.Float(
        description="Longitude recorded by the camera (WGS-84); surveyors and above only."
    )
    gps_lat = graphene.Float(
        description="Latitude recorded by the camera (WGS-84); surveyors and above only."
    )
    links = graphene.List(
        graphene.NonNull(lambda: MediaLink),
        required=True,
        description="Where the asset is attached (surveyors and above; empty for others).",
    )

    @staticmethod
    def resolve_original_url(root: models.MediaAsset, info: ResolveInfo) -> str:
        return original_url(info.context.settings, root.sha256)

    @staticmethod
    def resolve_renditions(root: models.MediaAsset, info: ResolveInfo) -> list[RenditionLink]:
        return rendition_links(info.context.settings, root)

    @staticmethod
    def resolve_gps_lon(root: models.MediaAsset, info: ResolveInfo) -> float | None:
        return root.gps_lon if info.context.has_role(SEE_GPS) else None

    @staticmethod
    def resolve_gps_lat(root: models.MediaAsset, info: ResolveInfo) -> float | None:
        return root.gps_lat if info.context.has_role(SEE_GPS) else None

    @staticmethod
    async def resolve_links(root: models.MediaAsset, info: ResolveInfo) -> Any:
        if not info.context.has_role(SEE_GPS):
            return []
        return await info.context.loaders.rows(
            models.MediaLink,
            models.MediaLink.media_asset_id,
            [models.MediaLink.id],
            name="MediaLinksByAssetLoader",
        ).load(root.id)


class MediaLinkTarget(graphene.Union):
    """A record media can be attached to."""

    class Meta:
        types = (
            objects.Place,
            objects.Site,
            records.SurveyRecord,
            records.MappingRecord,
            records.Plaque,
            works.Intervention,
            records.ArchiveItem,
            records.Incident,
        )


class MediaLink(ModelNode):
    """An asset attached to one record, with what it shows and its place in the record's list."""

    model = models.MediaLink

    class Meta:
        interfaces = (relay.Node,)

    role = graphene.String(description="What the asset shows: BEFORE, AFTER, PLAQUE_PHOTO …")
    position = graphene.Int(required=True, description="Order in the record's media list.")
    created_at = graphene.DateTime(required=True, description="When it was attached.")
    media_asset = graphene.Field(graphene.NonNull(MediaAsset), description="The attached asset.")
    target = graphene.Field(
        graphene.NonNull(MediaLinkTarget), description="The record it is attached to."
    )

    @classmethod
    async def get_node(cls, info: ResolveInfo, db_id: str) -> Any:
        if not info.context.has_role(SEE_GPS):
            return None  # attachments name incidents, which are not public
        return await super().get_node(info, db_id)

    @staticmethod
    async def resolve_media_asset(root: models.MediaLink, info: ResolveInfo) -> Any:
        return await info.context.loaders.by_id(models.MediaAsset).load(root.media_asset_id)

    @staticmethod
    async def resolve_target(root: models.MediaLink, info: ResolveInfo) -> Any:
        target, target_id = link_target(root)
        if target is MediaTarget.OBJECT:
            return await info.context.loaders.objects.load(target_id)
        model = TARGETS[target][0]
        return await info.context.loaders.by_id(model).load(target_id)
