"""Mutations of media: attach an uploaded asset to a record, detach it, describe it.

Files themselves are uploaded over plain HTTP (``POST /media``); these work on the assets the
upload answered with.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import from_global_id
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.graphql.context import ResolveInfo
from heritage.graphql.errors import register_codes
from heritage.graphql.fields import input_type
from heritage.graphql.ids import decode_id
from heritage.graphql.media.types import MediaAsset, MediaLink
from heritage.graphql.mutation import RegistryMutation, root_field, version_argument
from heritage.models.vocab import UserRole
from heritage.services import media
from heritage.services.errors import ErrorCode, RuleWarning, ServiceError
from heritage.services.inputs import parse_input

# Attaching twice is DUPLICATE; a missing asset or record NOT_FOUND; a wrong kind of ID INVALID.
register_codes("Media", {ErrorCode.DUPLICATE}, "media assets and their attachments")

#: The GraphQL types media can be attached to, and the link column each fills.
ATTACHABLE: dict[str, media.MediaTarget] = {
    "Place": media.MediaTarget.OBJECT,
    "Site": media.MediaTarget.OBJECT,
    "SurveyRecord": media.MediaTarget.SURVEY_RECORD,
    "MappingRecord": media.MediaTarget.MAPPING_RECORD,
    "Plaque": media.MediaTarget.PLAQUE,
    "Intervention": media.MediaTarget.INTERVENTION,
    "ArchiveItem": media.MediaTarget.ARCHIVE_ITEM,
    "Incident": media.MediaTarget.INCIDENT,
}

MediaUpdateInput = input_type(media.MediaFields, "MediaUpdateInput")


class MediaAttachInput(graphene.InputObjectType):
    """An uploaded asset, the record to attach it to, what it shows and where in the list."""

    media_asset_id = graphene.ID(
        required=True, description="The asset (ID of a MediaAsset, as the upload answered)."
    )
    target_id = graphene.ID(
        required=True,
        description=f"The record to attach it to (ID of a {', '.join(ATTACHABLE)}).",
    )
    role = graphene.String(
        description="What the asset shows (BEFORE, AFTER, PLAQUE_PHOTO, DRAWING …; 40 characters)."
    )
    position = graphene.Int(
        description="Place in the record's media list (0 first); default: after the last."
    )


def _target(value: str) -> tuple[media.MediaTarget, int]:
    try:
        type_name, raw = from_global_id(value)
    except Exception:  # graphql_relay raises bare errors on bad base64
        type_name, raw = "", ""
    if type_name not in ATTACHABLE or not raw.isdigit():
        raise ServiceError.single(
            "targetId",
            ErrorCode.INVALID,
            f"{value!r} is not the ID of a {', '.join(ATTACHABLE)}",
        )
    return ATTACHABLE[type_name], int(raw)


class _MediaMutation(RegistryMutation):
    class Meta:
        abstract = True

    domain = "Media"
    required_role = UserRole.SURVEYOR


class MediaAttach(_MediaMutation):
    """Attach an uploaded photo, drawing or document to a place, site or one of their records."""

    class Arguments:
        input = MediaAttachInput(required=True, description="What to attach, and to what.")

    media_link = graphene.Field(MediaLink, description="The new attachment.")
    media_asset = graphene.Field(MediaAsset, description="The attached asset.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        values = dict(arguments["input"])
        target, target_id = _target(values.pop("target_id"))
        values["media_asset_id"] = decode_id(
            values["media_asset_id"], ("MediaAsset",), "mediaAssetId"
        )
        data = parse_input(
            media.MediaAttach, {**values, "target": target, "target_id": target_id}, "input"
        )
        link = await media.attach_media(session, data)
        asset = await media.get_asset(session, link.media_asset_id)
        return {"media_link": link, "media_asset": asset}


class MediaDetach(_MediaMutation):
    """Remove an attachment; the asset and its original file are kept."""

    class Arguments:
        id = graphene.ID(required=True, description="The attachment (ID of a MediaLink).")

    media_asset = graphene.Field(MediaAsset, description="The asset that was attached.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        link_id = decode_id(arguments["id"], ("MediaLink",))
        return {"media_asset": await media.detach_media(session, link_id)}


class MediaUpdate(_MediaMutation):
    """Change the caption, photographer or licence of an asset; only the fields given change."""

    class Arguments:
        id = graphene.ID(required=True, description="The asset.")
        version = version_argument("Its version.")
        input = MediaUpdateInput(required=True, description="The fields to change.")

    media_asset = graphene.Field(MediaAsset, description="The asset after the change.")

    @classmethod
    async def perform(
        cls, session: AsyncSession, info: ResolveInfo, warnings: list[RuleWarning], **arguments: Any
    ) -> dict[str, Any]:
        asset_id = decode_id(arguments["id"], ("MediaAsset",))
        data = parse_input(media.MediaFields, dict(arguments["input"]), "input")
        asset = await media.update_media(session, asset_id, arguments["version"], data)
        return {"media_asset": asset}


class MediaMutations(graphene.ObjectType):
    """Root mutation fields for media."""

    media_attach = root_field(MediaAttach)
    media_detach = root_field(MediaDetach)
    media_update = root_field(MediaUpdate)
